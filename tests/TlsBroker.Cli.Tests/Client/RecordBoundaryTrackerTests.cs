using TlsBroker.Client;

namespace TlsBroker.Cli.Tests.Client;

[Trait("Category", "Unit")]
public sealed class RecordBoundaryTrackerTests
{
    // Two records (3 body bytes, then 2), then a zero-length one: 5 + 3 + 5 + 2 + 5 bytes.
    private static readonly byte[] ServerBytes = [22, 3, 3, 0, 3, (byte)'a', (byte)'b', (byte)'c', 23, 3, 3, 0, 2, (byte)'d', (byte)'e', 21, 3, 3, 0, 0];

    // After each prefix of ServerBytes, the bytes to the next boundary: the header's rest, then the body's.
    private static readonly int[] ExpectedAfterPrefix = [0, 4, 3, 2, 1, 3, 2, 1, 0, 4, 3, 2, 1, 2, 1, 0, 4, 3, 2, 1, 0];

    [Fact]
    public void Consume_SplitAtEveryByteInTwoReads_BytesToBoundaryIsTheRestOfTheRecord()
    {
        for (var end = 0; end <= ServerBytes.Length; end++)
        {
            for (var split = 0; split <= end; split++)
            {
                var tracker = new RecordBoundaryTracker();
                tracker.Consume(ServerBytes.AsSpan(0, split));
                tracker.Consume(ServerBytes.AsSpan(split, end - split));

                Assert.True(
                    ExpectedAfterPrefix[end] == tracker.BytesToBoundary,
                    $"after {end} bytes read as {split} + {end - split}: {tracker.BytesToBoundary} to the boundary, expected {ExpectedAfterPrefix[end]}");
            }
        }
    }

    [Fact]
    public void Consume_OneByteAtATime_HeaderSplitAtEveryByte()
    {
        var tracker = new RecordBoundaryTracker();
        var seen = new List<int> { tracker.BytesToBoundary };
        foreach (var b in ServerBytes)
        {
            tracker.Consume([b]);
            seen.Add(tracker.BytesToBoundary);
        }

        Assert.Equal(ExpectedAfterPrefix, seen);
    }

    [Fact]
    public void Consume_SeveralRecordsInOneChunk_AtTheBoundaryAfterTheLast()
    {
        var tracker = new RecordBoundaryTracker();

        tracker.Consume(ServerBytes);

        Assert.Equal(0, tracker.BytesToBoundary);
    }

    [Fact]
    public void Consume_SeveralRecordsThenPartOfOne_TheRestOfThatOne()
    {
        var tracker = new RecordBoundaryTracker();

        // Both first records whole, then 1 byte into a header announcing 0x0102 = 258 body bytes, which then arrives but for 8.
        tracker.Consume([.. ServerBytes.AsSpan(0, 15), 23]);
        var inHeader = tracker.BytesToBoundary;
        tracker.Consume([3, 3, 1, 2, .. new byte[250]]);

        Assert.Equal(4, inHeader);
        Assert.Equal(8, tracker.BytesToBoundary);
    }

    [Fact]
    public void Consume_ZeroLengthRecord_BoundaryRightAfterItsHeader()
    {
        var tracker = new RecordBoundaryTracker();

        tracker.Consume([23, 3, 3, 0, 0]);
        var afterEmpty = tracker.BytesToBoundary;
        tracker.Consume([23, 3, 3, 0, 1]);

        Assert.Equal(0, afterEmpty);
        Assert.Equal(1, tracker.BytesToBoundary);
    }

    [Fact]
    public void Consume_MaximumLength_AllOfIt()
    {
        var tracker = new RecordBoundaryTracker();

        tracker.Consume([23, 3, 3, 0xff, 0xff]);

        Assert.Equal(ushort.MaxValue, tracker.BytesToBoundary);
    }
}
