using ItsmWorkflows.Server.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddItsmDatabase();

var app = builder.Build();
await app.RunAsync();
