package io.tensorpool.flink.source.enumerator;

import io.tensorpool.flink.source.split.DriverEndpoint;
import io.tensorpool.flink.source.split.TensorPoolSplit;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The enumerator's checkpoint keeps every known stream, which of them are assigned, and the progress of unassigned
 * ones; a corrupt count or an unknown version fails with the value named.
 */
class TensorPoolEnumeratorStateSerializerTest
{
    private static final DriverEndpoint DRIVER = new DriverEndpoint("aeron:ipc", 1000);

    @Test
    void roundTripsSplitsAndAssignment() throws IOException
    {
        final Map<String, TensorPoolSplit> splits = new LinkedHashMap<>();
        final TensorPoolSplit a = TensorPoolSplit.fresh(1, "host-a", DRIVER);
        final TensorPoolSplit b = new TensorPoolSplit(2, "host-b", DRIVER, 4, 77, 78);
        splits.put(a.splitId(), a);
        splits.put(b.splitId(), b);
        final TensorPoolEnumeratorState state = new TensorPoolEnumeratorState(splits, Set.of(a.splitId()));

        final TensorPoolEnumeratorStateSerializer serializer = new TensorPoolEnumeratorStateSerializer();
        final TensorPoolEnumeratorState back = serializer.deserialize(1, serializer.serialize(state));
        assertEquals(state, back);
        assertEquals(77, back.splits().get("host-b/2").lastSeq());
        assertEquals(TensorPoolEnumeratorState.empty(),
            serializer.deserialize(1, serializer.serialize(TensorPoolEnumeratorState.empty())));
    }

    @Test
    void rejectsCorruptCountAndUnknownVersion()
    {
        final TensorPoolEnumeratorStateSerializer serializer = new TensorPoolEnumeratorStateSerializer();
        final IOException count = assertThrows(IOException.class,
            () -> serializer.deserialize(1, new byte[]{(byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF}));
        assertTrue(count.getMessage().contains("count=-1"), count.getMessage());
        assertThrows(IOException.class, () -> serializer.deserialize(7, new byte[4]));
    }
}
