package io.tensorpool.flink.source;

import io.tensorpool.flink.source.enumerator.StreamDiscoverer;
import io.tensorpool.flink.source.reader.TensorPoolConnection;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The production transport: tensorpool consumers attached through each host's driver, and discovery queries.
 */
final class DefaultTransport
{
    private DefaultTransport()
    {
    }

    static TensorPoolConnection.Factory connectionFactory()
    {
        return config ->
        {
            throw new UnsupportedOperationException("the tensorpool client transport is not part of this build yet");
        };
    }

    static StreamDiscoverer.Factory discovererFactory(final ReadableConfig config)
    {
        return () ->
        {
            throw new UnsupportedOperationException("tensorpool discovery is not part of this build yet");
        };
    }
}
