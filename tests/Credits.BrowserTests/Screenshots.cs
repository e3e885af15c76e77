using Credits.Testing;
using Microsoft.Playwright;

namespace Credits.BrowserTests;

/// <summary>
/// Screenshots of the pages, taken by the tests that reach them. Always written to the test output; with
/// CREDITS_UPDATE_SCREENSHOTS=1 also to docs/screenshots/ (committed, linked from the README).
/// </summary>
static class Screenshots
{
    public static async Task SaveAsync(IPage page, string name)
    {
        var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        var output = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(output);
        await File.WriteAllBytesAsync(Path.Combine(output, name + ".png"), bytes);
        if (Environment.GetEnvironmentVariable("CREDITS_UPDATE_SCREENSHOTS") == "1")
        {
            var docs = Path.Combine(TestEnvironment.RepositoryRoot, "docs", "screenshots");
            Directory.CreateDirectory(docs);
            await File.WriteAllBytesAsync(Path.Combine(docs, name + ".png"), bytes);
        }
    }
}
