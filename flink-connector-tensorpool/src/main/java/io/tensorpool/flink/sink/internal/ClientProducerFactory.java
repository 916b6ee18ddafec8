package io.tensorpool.flink.sink.internal;

import org.apache.flink.annotation.Internal;

import java.io.IOException;

/**
 * Attaches through the SHM driver on the task manager's host with the core {@code TensorPoolProducer}.
 */
@Internal
public final class ClientProducerFactory implements SinkFrameProducerFactory
{
    private static final long serialVersionUID = 1L;

    @Override
    public SinkFrameProducer attach(final ProducerSettings settings) throws IOException
    {
        throw new IOException("stream=" + settings.streamId() + ": this build has no tensorpool producer client " +
            "(io.tensorpool.client) to attach through the SHM driver");
    }
}
