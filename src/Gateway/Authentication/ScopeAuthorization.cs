using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Credits.Gateway.Authentication;

/// <summary>The API key policy's part that checks the key's scopes against the endpoint's <see cref="RequiredScope"/>.</summary>
public sealed class ScopeRequirement : IAuthorizationRequirement;

/// <summary>Why a key was refused: the scope it lacks (or that the endpoint names none).</summary>
public sealed class MissingScope(IAuthorizationHandler handler, string? scope)
    : AuthorizationFailureReason(handler, scope is null ? "The endpoint names no API key scope." : $"The API key lacks the scope '{scope}'.")
{
    public string? Scope { get; } = scope;
}

sealed class ScopeRequirementHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        // An anonymous caller is challenged (401) by the policy's authenticated-user requirement, not told about scopes.
        if (context.User.Identity?.IsAuthenticated != true) return Task.CompletedTask;
        var needed = (context.Resource as HttpContext)?.GetEndpoint()?.Metadata.GetOrderedMetadata<RequiredScope>() ?? [];
        if (needed.Count == 0)
        {
            context.Fail(new MissingScope(this, null)); // fail closed: an endpoint that names no scope is nobody's
            return Task.CompletedTask;
        }
        if (needed.FirstOrDefault(s => !context.User.HasClaim(ApiScopes.ClaimType, s.Scope)) is { } missing)
            context.Fail(new MissingScope(this, missing.Scope));
        else
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

/// <summary>A key refused for a missing scope gets 403 problem+json naming the scope; every other outcome is the default.</summary>
sealed class ScopeForbiddenResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Forbidden && result.AuthorizationFailure?.FailureReasons.OfType<MissingScope>().FirstOrDefault() is { } missing)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            var problem = new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = "Missing API key scope",
                    Detail = missing.Scope is null
                        ? "This endpoint is not open to any API key."
                        : $"This API key lacks the scope '{missing.Scope}' (ApiKeys:Keys:N:Scopes); see docs/security/scopes.md.",
                    Type = "https://tools.ietf.org/html/rfc9110#section-15.5.4",
                },
            };
            if (missing.Scope is not null) problem.ProblemDetails.Extensions["requiredScope"] = missing.Scope;
            await problems.WriteAsync(problem);
            return;
        }
        await _default.HandleAsync(next, context, policy, result);
    }
}
