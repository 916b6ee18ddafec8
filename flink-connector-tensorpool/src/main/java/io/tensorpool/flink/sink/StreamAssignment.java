package io.tensorpool.flink.sink;

import java.io.Serializable;
import java.util.Arrays;

/** Which stream each sink subtask writes: {@code base + subtask} or the subtask's entry of an explicit list. */
final class StreamAssignment implements Serializable
{
    private static final long serialVersionUID = 1L;

    private final int base;
    private final int[] ids;

    private StreamAssignment(final int base, final int[] ids)
    {
        this.base = base;
        this.ids = ids;
    }

    static StreamAssignment fromBase(final int base)
    {
        return new StreamAssignment(base, null);
    }

    static StreamAssignment fromList(final int[] ids)
    {
        return new StreamAssignment(0, ids.clone());
    }

    /**
     * The stream of {@code subtask}.
     *
     * @throws IllegalArgumentException when the list has fewer ids than subtasks or the id would overflow u32 range
     *                                  usable by this implementation.
     */
    int streamIdFor(final int subtask, final int parallelism)
    {
        if (null != ids)
        {
            if (parallelism > ids.length)
            {
                throw new IllegalArgumentException("the sink runs with parallelism " + parallelism + " but only " +
                    ids.length + " stream ids are configured " + Arrays.toString(ids) +
                    ": configure one stream id per subtask or lower the parallelism");
            }
            return ids[subtask];
        }
        final long id = (long)base + subtask;
        if (id > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("stream id base " + base + " + subtask " + subtask +
                " exceeds " + Integer.MAX_VALUE);
        }
        return (int)id;
    }

    @Override
    public String toString()
    {
        return null != ids ? "streams " + Arrays.toString(ids) : "streams " + base + " + subtask";
    }
}
