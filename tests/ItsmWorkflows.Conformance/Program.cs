using ItsmWorkflows.Conformance;

// Conformance against Elsa's own scenarios: dotnet run --project tests/ItsmWorkflows.Conformance [-- <corpus folder>]
return await ConformanceRunner.MainAsync(Console.Out, args.Length > 0 ? args[0] : null);
