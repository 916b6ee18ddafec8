package io.tensorpool.flink.source.testing;

import io.tensorpool.flink.common.TensorFrame;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A sink collecting frames into a queue of this JVM (the MiniCluster runs here), found by a key so the sink stays
 * serializable.
 */
public final class CollectSink implements Sink<TensorFrame>
{
    private static final long serialVersionUID = 1L;
    private static final Map<String, Queue<TensorFrame>> QUEUES = new ConcurrentHashMap<>();

    private final String key = UUID.randomUUID().toString();

    public CollectSink()
    {
        QUEUES.put(key, new ConcurrentLinkedQueue<>());
    }

    /** Everything collected so far. */
    public List<TensorFrame> frames()
    {
        return List.copyOf(QUEUES.get(key));
    }

    /** Frames collected so far of one stream. */
    public long count(final int streamId)
    {
        return QUEUES.get(key).stream().filter(f -> f.streamId() == streamId).count();
    }

    @Override
    public SinkWriter<TensorFrame> createWriter(final WriterInitContext context)
    {
        final Queue<TensorFrame> queue = QUEUES.get(key);
        return new SinkWriter<>()
        {
            @Override
            public void write(final TensorFrame frame, final Context ctx)
            {
                queue.add(frame);
            }

            @Override
            public void flush(final boolean endOfInput)
            {
            }

            @Override
            public void close()
            {
            }
        };
    }

    /** Forget the collected frames. */
    public void release()
    {
        QUEUES.remove(key);
    }
}
