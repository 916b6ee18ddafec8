package io.tensorpool.flink.source.split;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A split survives a checkpoint with its host, driver endpoint and resume position; the state turns progress into the
 * next split; corrupt or future-version bytes fail with the value named.
 */
class TensorPoolSplitSerializerTest
{
    private static final DriverEndpoint DRIVER = new DriverEndpoint("aeron:ipc?term-length=4m", 1000);

    @Test
    void roundTripsFreshAndProgressedSplits() throws IOException
    {
        final TensorPoolSplitSerializer serializer = TensorPoolSplitSerializer.INSTANCE;
        final TensorPoolSplit fresh = TensorPoolSplit.fresh(0xFFFF_FFF0, "gpu-node-7", DRIVER);
        final TensorPoolSplit progressed = new TensorPoolSplit(42, TensorPoolSplit.ANY_HOST, DRIVER, 3, 99_999, 17);

        for (final TensorPoolSplit split : new TensorPoolSplit[]{fresh, progressed})
        {
            final TensorPoolSplit back = serializer.deserialize(serializer.getVersion(), serializer.serialize(split));
            assertEquals(split, back);
            assertEquals(split.splitId(), back.splitId());
        }
        assertEquals("gpu-node-7/4294967280", fresh.splitId());
        assertEquals(1, serializer.getVersion());
    }

    @Test
    void stateAdvancesAndSnapshotsTheLastEmittedFrame()
    {
        final TensorPoolSplitState state = new TensorPoolSplitState(TensorPoolSplit.fresh(5, "h", DRIVER));
        assertEquals(TensorPoolSplit.NO_EPOCH, state.toSplit().epoch());
        state.onEmitted(2, 10);
        state.onEmitted(2, 12);
        final TensorPoolSplit snapshot = state.toSplit();
        assertEquals(2, snapshot.epoch());
        assertEquals(12, snapshot.lastSeq());
        assertEquals(2, snapshot.framesEmitted());
        assertEquals("h/5", snapshot.splitId());
    }

    @Test
    void rejectsUnknownVersionsAndTruncatedOrTrailingBytes() throws IOException
    {
        final TensorPoolSplitSerializer serializer = TensorPoolSplitSerializer.INSTANCE;
        final byte[] bytes = serializer.serialize(TensorPoolSplit.fresh(1, "h", DRIVER));

        final IOException version = assertThrows(IOException.class, () -> serializer.deserialize(2, bytes));
        assertTrue(version.getMessage().contains("version=2"), version.getMessage());
        assertThrows(IOException.class, () -> serializer.deserialize(1, Arrays.copyOf(bytes, bytes.length - 3)));
        final IOException trailing = assertThrows(IOException.class,
            () -> serializer.deserialize(1, Arrays.copyOf(bytes, bytes.length + 2)));
        assertTrue(trailing.getMessage().contains("2 trailing bytes"), trailing.getMessage());
    }

    @Test
    void onlyTheOwningHostMayReadAHostBoundSplit()
    {
        assertTrue(TensorPoolSplit.fresh(1, "a", DRIVER).readableOn("a"));
        assertTrue(!TensorPoolSplit.fresh(1, "a", DRIVER).readableOn("b"));
        assertTrue(TensorPoolSplit.fresh(1, TensorPoolSplit.ANY_HOST, DRIVER).readableOn("b"));
    }
}
