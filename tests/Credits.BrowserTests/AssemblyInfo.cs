using Xunit;

// One system and one Chromium at a time: each class starts an Orchestrator, a Gateway and a browser, and on a
// two-core machine three of those at once starve each other past their start-up timeouts.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
