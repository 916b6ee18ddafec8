package io.tensorpool.flink.source.enumerator;

import io.tensorpool.flink.source.split.TensorPoolSplit;
import org.apache.flink.annotation.Internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the enumerator checkpoints: every stream it knows (by split id) and which of them are assigned. Progress of
 * assigned splits lives in the readers' state; unassigned splits keep theirs here (a split handed back after a
 * failure or a rescale resumes where it stopped).
 */
@Internal
public final class TensorPoolEnumeratorState
{
    private final Map<String, TensorPoolSplit> splits;
    private final Set<String> assigned;

    /**
     * @param splits   every known split by id.
     * @param assigned ids of the splits assigned to a reader.
     */
    public TensorPoolEnumeratorState(final Map<String, TensorPoolSplit> splits, final Set<String> assigned)
    {
        this.splits = Collections.unmodifiableMap(new LinkedHashMap<>(splits));
        this.assigned = Set.copyOf(assigned);
    }

    /**
     * @return an empty state (a fresh job).
     */
    public static TensorPoolEnumeratorState empty()
    {
        return new TensorPoolEnumeratorState(Map.of(), Set.of());
    }

    /**
     * @return every known split by id (unmodifiable, in insertion order).
     */
    public Map<String, TensorPoolSplit> splits()
    {
        return splits;
    }

    /**
     * @return ids of the splits assigned to a reader (unmodifiable).
     */
    public Set<String> assigned()
    {
        return assigned;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (!(o instanceof TensorPoolEnumeratorState))
        {
            return false;
        }
        final TensorPoolEnumeratorState that = (TensorPoolEnumeratorState)o;
        return splits.equals(that.splits) && assigned.equals(that.assigned);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(splits, assigned);
    }

    @Override
    public String toString()
    {
        return "TensorPoolEnumeratorState{splits=" + splits.values() + " assigned=" + assigned + "}";
    }
}
