using Credits.Gateway;
using Credits.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddGateway();

var app = builder.Build();
app.MapGateway();
await app.RunWithStartupDeadlineAsync();

public partial class Program;
