using System.Security.Cryptography;
using Credits.Ledger.Archive;
using Credits.Ledger.Model;
using Xunit;

namespace Credits.Ledger.Tests;

/// <summary>The cold tier's filter and sorted blocks on their own: no key it holds is ever missed, and few it does not hold pass.</summary>
public class ColdKeyIndexTests
{
    [Fact]
    public void The_filter_passes_every_key_it_holds_and_about_one_in_a_hundred_of_the_others()
    {
        var keys = Enumerable.Range(0, 100_000).Select(i => $"usage:1:cus_{i % 97}:{Guid.NewGuid()}").ToList();
        var index = ColdKeyIndex.Build("cus", 1, keys);

        Assert.Equal(100_000, index.Keys);
        Assert.Equal(125_000, index.Filter.Length);
        Assert.All(keys, k => Assert.True(KeyFilter.MayContain(index.Filter, EntryHashes.KeyNumber(k))));
        var others = Enumerable.Range(0, 100_000).Count(i => KeyFilter.MayContain(index.Filter, EntryHashes.KeyNumber($"other:{i}")));
        Assert.InRange(others, 500, 1_200);
    }

    [Fact]
    public void Every_key_is_found_in_the_block_its_fences_name_and_no_other_key_is()
    {
        var keys = Enumerable.Range(0, 1_000).Select(i => $"k{i}").ToList();
        var index = ColdKeyIndex.Build("cus", 1, keys.Concat(keys));

        Assert.Equal(1_000, index.Keys);
        Assert.Equal((1_000 + ColdKeyIndex.BlockKeys - 1) / ColdKeyIndex.BlockKeys * ColdKeyIndex.HashBytes, index.Fences.Length);
        foreach (var key in keys.Concat(Enumerable.Range(0, 1_000).Select(i => $"absent{i}")))
        {
            var hash = EntryHashes.KeyNumber(key);
            var block = ColdKeyIndex.BlockOf(index.Fences, hash);
            var held = block >= 0 && ColdKeyIndex.BlockHolds(
                index.Hashes.AsSpan(block * ColdKeyIndex.BlockBytes, Math.Min(ColdKeyIndex.BlockBytes, index.Hashes.Length - block * ColdKeyIndex.BlockBytes)), hash);
            Assert.Equal(key.StartsWith('k'), held);
        }
    }

    [Fact]
    public void Hashes_sort_as_PostgreSQL_sorts_uuids_byte_by_byte()
    {
        var index = ColdKeyIndex.Build("cus", 1, Enumerable.Range(0, 300).Select(i => $"k{i}"));
        var digests = Enumerable.Range(0, 300).Select(i => MD5.HashData(System.Text.Encoding.UTF8.GetBytes($"k{i}"))).ToList();
        digests.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        Assert.Equal(digests.SelectMany(d => d).ToArray(), index.Hashes);
    }
}
