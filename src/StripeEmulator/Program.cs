using Credits.StripeEmulator.Hosting;

var app = StripeEmulatorApp.Build(args);
app.Run();

public partial class Program;
