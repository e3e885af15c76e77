using Credits.Persistence.Operators;
using Microsoft.EntityFrameworkCore;

namespace Credits.IntegrationTests.Operators;

/// <summary>Reads the append-only operator log (operator_actions) of the system under test.</summary>
static class OperatorLog
{
    public static async Task<List<OperatorAction>> ActionsAsync(SystemUnderTest system, string action, string subjectContains)
    {
        await using var db = system.Accounts.NewDbContext();
        return await db.Set<OperatorAction>().AsNoTracking()
            .Where(a => a.Action == action && a.Subject != null && a.Subject.Contains(subjectContains))
            .OrderBy(a => a.Id).ToListAsync();
    }
}
