package io.tensorpool.flink.source.enumerator;

import io.tensorpool.flink.source.split.DriverEndpoint;
import io.tensorpool.flink.source.split.TensorPoolSplit;
import org.apache.flink.annotation.Internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * "Discovery" of exactly the configured stream ids on the configured driver, for {@code DiscoveryMode.NONE}: the
 * streams are readable on any host ({@link TensorPoolSplit#ANY_HOST}), which is right for single-host deployments and
 * for every host running the same streams.
 */
@Internal
public final class StaticStreamDiscoverer implements StreamDiscoverer
{
    private final List<DiscoveredStream> streams = new ArrayList<>();

    /**
     * @param streamIds the stream ids.
     * @param driver    the driver every reader attaches through on its host.
     */
    public StaticStreamDiscoverer(final Set<Integer> streamIds, final DriverEndpoint driver)
    {
        for (final int id : new TreeSet<>(streamIds))
        {
            streams.add(new DiscoveredStream(id, -1, "", List.of(), TensorPoolSplit.ANY_HOST, driver));
        }
    }

    /**
     * @param streamIds the stream ids.
     * @param driver    the driver endpoint.
     * @return a serializable factory.
     */
    public static StreamDiscoverer.Factory factory(final Set<Integer> streamIds, final DriverEndpoint driver)
    {
        final Set<Integer> ids = Set.copyOf(streamIds);
        return () -> new StaticStreamDiscoverer(ids, driver);
    }

    @Override
    public List<DiscoveredStream> discover()
    {
        return streams;
    }

    @Override
    public void close()
    {
    }
}
