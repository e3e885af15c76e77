using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Credits.Messaging.Sagas;

/// <summary>
/// Something a saga's behaviour can take from its context (<c>context.GetPayload&lt;T&gt;()</c>) that must work on
/// the saga's own DbContext and transaction, such as the PostgreSQL message scheduler. Registered in DI by the
/// feature that provides it; the saga repository adds one payload per registration to every saga message.
/// </summary>
public interface ISagaMessagePayload
{
    object Create(ConsumeContext context, DbContext dbContext);
}
