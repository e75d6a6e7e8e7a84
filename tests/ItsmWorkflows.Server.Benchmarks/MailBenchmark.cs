using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ItsmWorkflows.Server.Instances;
using ItsmWorkflows.Server.Mail;
using ItsmWorkflows.Server.Tests;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Npgsql;

namespace ItsmWorkflows.Server.Benchmarks;

/// <summary>
/// Outbox delivery on PostgreSQL to a local SMTP server (tests/smtp): how fast the outbox job drains
/// committed Send Email messages (claim, compose, send over one connection, report to the workflow, mark
/// done), against raw MailKit sends of the same messages over one reused connection, in the same run.
/// Usage: dotnet run -c Release --project tests/ItsmWorkflows.Server.Benchmarks -- mail [count]
/// </summary>
internal static class MailBenchmark
{
    public static async Task RunAsync(string repo, int count)
    {
        var admin = Environment.GetEnvironmentVariable("ITSM_TEST_POSTGRES") is { Length: > 0 } configured ? configured : "Host=localhost;Username=itsm;Password=itsm;Database=postgres";
        var database = $"itsm_bench_{Guid.NewGuid():N}";
        await ExecAsync(admin, $"CREATE DATABASE \"{database}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
        using var smtp = await StartSmtpAsync(Path.Combine(repo, "tests", "smtp"));
        try
        {
            await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseEnvironment("Benchmark");
                b.UseSetting("ConnectionStrings:Postgres", connectionString);
                b.UseSetting("Demo:Enabled", "true");
                b.UseSetting("Workflows:Path", NoWorkflowsFolder.Path);
                b.UseSetting("Logging:LogLevel:Default", "Warning");
                b.UseSetting("Jobs:RunServer", "false");
                b.UseSetting("Jobs:HangfireLogs", "none");
                b.UseSetting("Mail:Smtp:Host", "127.0.0.1");
                b.UseSetting("Mail:Smtp:Port", smtp.Port.ToString(CultureInfo.InvariantCulture));
                b.UseSetting("Mail:Smtp:Security", "None");
            });
            _ = factory.Server;
            await using (var scope = factory.Services.CreateAsyncScope())
            {
                var definitions = scope.ServiceProvider.GetRequiredService<ItsmWorkflows.Server.Definitions.DefinitionService>();
                await definitions.ImportAsync("mail-bench.json", Definition, asNewVersion: false, publish: true, "bench", CancellationToken.None);
            }

            // Warm-up, then the measured drain: the messages are committed first, the clock runs while the job delivers them.
            // Both sides warm up until the JIT is quiet (see JitWarmUp).
            await JitWarmUp.UntilQuietAsync("mail", async () =>
            {
                await StartAsync(factory, 200);
                await DrainAsync(factory);
                await RawMailKitAsync(smtp.Port, 200);
            });
            await StartAsync(factory, count);
            var sw = Stopwatch.StartNew();
            var delivered = await DrainAsync(factory);
            var outboxRate = delivered / sw.Elapsed.TotalSeconds;

            var rawRate = await RawMailKitAsync(smtp.Port, count);
            Console.WriteLine($"outbox -> job -> MailKit: {outboxRate,8:N0} messages/s ({delivered:N0} delivered, each reported to its workflow)   raw MailKit, one connection: {rawRate,8:N0} messages/s   ratio {outboxRate / rawRate:0.00} (goal >= 0.5)");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecAsync(admin, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }
    }

    private const string Definition = """
        { "definitionId": "mail-bench", "name": "mail bench", "root": { "type": "Elsa.Flowchart", "id": "F", "activities": [
          { "id": "Mail1", "type": "Elsa.SendEmail",
            "to": { "typeName": "String", "expression": { "type": "Literal", "value": "ann@example.org" } },
            "subject": { "typeName": "String", "expression": { "type": "Literal", "value": "Your request REQ0001 was received" } },
            "body": { "typeName": "String", "expression": { "type": "Literal", "value": "<p>Hello Ann,</p><p>We received your request and will keep you posted.</p><p><a href=\"https://itsm.example.org/requests/REQ0001\">Track it</a></p>" } } } ],
          "connections": [] } }
        """;

    private static async Task StartAsync(WebApplicationFactory<Program> factory, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<InstanceService>().StartAsync(new StartInstanceRequest("mail-bench", null, null), "bench", CancellationToken.None);
        }
    }

    private static async Task<int> DrainAsync(WebApplicationFactory<Program> factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OutboxDeliveryJob>().RunAsync(CancellationToken.None);
    }

    /// <summary>The same message, composed and sent by MailKit alone over one connection.</summary>
    private static async Task<double> RawMailKitAsync(int port, int count)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse("ItsmWorkflows <itsm@localhost>"));
            message.To.Add(MailboxAddress.Parse("ann@example.org"));
            message.Subject = "Your request REQ0001 was received";
            message.MessageId = $"{Guid.NewGuid():N}@localhost";
            message.Body = new BodyBuilder
            {
                HtmlBody = "<p>Hello Ann,</p><p>We received your request and will keep you posted.</p><p><a href=\"https://itsm.example.org/requests/REQ0001\">Track it</a></p>",
                TextBody = "Hello Ann,\n\nWe received your request and will keep you posted.\n\nTrack it (https://itsm.example.org/requests/REQ0001)",
            }.ToMessageBody();
            await client.SendAsync(message);
        }
        var rate = count / sw.Elapsed.TotalSeconds;
        await client.DisconnectAsync(true);
        return rate;
    }

    private sealed class SmtpProcess(Process process, int port) : IDisposable
    {
        public int Port { get; } = port;

        public void Dispose()
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(5000)) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }

    private static async Task<SmtpProcess> StartSmtpAsync(string folder)
    {
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "smtp-server")))
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund --loglevel=error") { WorkingDirectory = folder })!;
            await npm.WaitForExitAsync();
        }
        var process = Process.Start(new ProcessStartInfo("node", "server.mjs")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("READY ", StringComparison.Ordinal)) return new SmtpProcess(process, JsonNode.Parse(line[6..])!["smtp"]!.GetValue<int>());
        }
        throw new InvalidOperationException("The SMTP server of tests/smtp did not start.");
    }

    private static async Task ExecAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
