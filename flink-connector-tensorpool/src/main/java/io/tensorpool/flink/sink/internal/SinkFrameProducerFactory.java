package io.tensorpool.flink.sink.internal;

import org.apache.flink.annotation.Internal;

import java.io.IOException;
import java.io.Serializable;

/**
 * Creates the producer of one sink subtask on the task manager that runs it. Serializable because it travels inside
 * the sink from the client to every task manager; it must hold configuration only, never a live connection.
 */
@Internal
@FunctionalInterface
public interface SinkFrameProducerFactory extends Serializable
{
    /**
     * Attach as the exclusive producer of {@code settings.streamId()} and return once frames can be claimed.
     *
     * @throws StreamAttachException when the driver refuses the attach (for instance the stream already has a
     *                               producer); the message names the stream and, when known, the holder.
     * @throws IOException           when the driver cannot be reached within the attach timeout.
     */
    SinkFrameProducer attach(ProducerSettings settings) throws IOException;
}
