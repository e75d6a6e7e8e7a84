using ItsmWorkflows.Engine.Activities.Email;
using ItsmWorkflows.Engine.Activities.Http;
using ItsmWorkflows.Server.Mail;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace ItsmWorkflows.Server.Http;

/// <summary>The HTTP clients the server calls out with for workflows and mail attachments, all behind the outbound network policy.</summary>
internal static class OutboundHttpSetup
{
    public static WebApplicationBuilder AddOutboundHttp(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboundHttpOptions>().Bind(builder.Configuration.GetSection(OutboundHttpOptions.Section))
            .Validate(o => OutboundNetworkPolicy.Invalid(o.Allow, OutboundNetworkPolicy.AllowSetting) is null, "Http:Outbound:Allow holds an entry that is not an address or a CIDR range.")
            .Validate(o => OutboundNetworkPolicy.Invalid(o.Block, OutboundNetworkPolicy.BlockSetting) is null, "Http:Outbound:Block holds an entry that is not an address or a CIDR range.")
            .Validate(o => o.MaxResponseBytes > 0, "Http:Outbound:MaxResponseBytes must be positive.")
            .Validate(o => OutboundProxy.Invalid(o.Proxy) is null, "Http:Outbound:Proxy is not a proxy address such as http://proxy.example.org:3128.")
            .ValidateOnStart();
        builder.Services.AddSingleton<OutboundNetworkPolicy>();
        builder.Services.AddSingleton<OutboundConnector>();
        builder.Services.AddSingleton<OutboundProxy>();
        builder.Services.AddTransient<OutboundRedirects>();

        // Retries only for requests that are safe to repeat (GET, HEAD, OPTIONS): a POST that timed out may have done its work.
        // A refused address is not transient: neither retried nor counted towards opening the circuit.
#pragma warning disable EXTEXP0001 // why: DisableForUnsafeHttpMethods is marked experimental; it is the documented way to keep retries off unsafe methods.
        var workflowClient = builder.Services.AddHttpClient(HttpClientRequestSender.ClientName)
            .ConfigurePrimaryHttpMessageHandler(Handler)
            // Buffered inside SendAsync, so the cap holds before a byte reaches the workflow and the client's timeout covers the body.
            .ConfigureHttpClient((sp, client) => client.MaxResponseContentBufferSize = sp.GetRequiredService<IOptions<OutboundHttpOptions>>().Value.MaxResponseBytes);
        workflowClient.AddStandardResilienceHandler(o =>
        {
            var retryTransient = o.Retry.ShouldHandle;
            o.Retry.ShouldHandle = args => Refused(args.Outcome) ? ValueTask.FromResult(false) : retryTransient(args);
            var breakTransient = o.CircuitBreaker.ShouldHandle;
            o.CircuitBreaker.ShouldHandle = args => Refused(args.Outcome) ? ValueTask.FromResult(false) : breakTransient(args);
            o.Retry.DisableForUnsafeHttpMethods();
        });
        // Innermost, as the primary handler's own redirect following was: a retry repeats the whole chain of hops.
        workflowClient.AddHttpMessageHandler<OutboundRedirects>();
#pragma warning restore EXTEXP0001
        builder.Services.AddSingleton<HttpClientRequestSender>();

        builder.Services.AddHttpClient(EmailComposer.AttachmentClient, c =>
        {
            c.Timeout = TimeSpan.FromSeconds(30);
            c.MaxResponseContentBufferSize = SendEmail.MaxAttachmentBytes;
        }).ConfigurePrimaryHttpMessageHandler(Handler).AddHttpMessageHandler<OutboundRedirects>();
        return builder;
    }

    /// <summary>True when the policy, not the network, stopped the request (the connector's refusal arrives wrapped by the handler).</summary>
    public static bool IsRefusal(Exception? exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is OutboundHttpPolicyException) return true;
        }
        return false;
    }

    private static bool Refused(Outcome<HttpResponseMessage> outcome) => IsRefusal(outcome.Exception);

    /// <summary>
    /// Every direct connection is vetted by the connector, a proxied request's target by <see cref="OutboundRedirects"/>,
    /// which also follows the redirects (so that each hop is seen, proxied or not).
    /// </summary>
    private static SocketsHttpHandler Handler(IServiceProvider services) => new()
    {
        ConnectCallback = services.GetRequiredService<OutboundConnector>().ConnectAsync,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        AllowAutoRedirect = false,
        UseProxy = true,
        Proxy = services.GetRequiredService<OutboundProxy>().Proxy,
    };
}
