package io.tensorpool.flink.source.reader;

import io.tensorpool.flink.source.StartingPosition;
import io.tensorpool.flink.source.enumerator.StreamDiscoverer;
import io.tensorpool.flink.source.split.TensorPoolSplit;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ReadableConfig;

import java.io.Serializable;

/**
 * A reader's connection to its host's tensorpool: one Aeron client shared by every split the reader holds. Opened
 * and used on the reader's fetch thread, except {@link #discoverer()} (used from the reader's discovery thread).
 */
@Internal
public interface TensorPoolConnection extends AutoCloseable
{
    /**
     * @return the instance id of this host's driver if this connection knows it without asking, else null (the
     *         reader then asks the driver's embedded discovery provider through {@link #discoverer()}).
     */
    String localDriverInstanceId();

    /**
     * Attach to a split's stream through its driver.
     *
     * @param split    the split (stream, driver endpoint).
     * @param position {@code EARLIEST_IN_RING} to deliver what the ring still holds before live frames (the reader
     *                 asks for it for restored splits and filters what it already emitted), else {@code LATEST}.
     * @return the attached stream.
     * @throws Exception if attaching failed (the reader retries), except an
     *                   {@link org.agrona.concurrent.AgentTerminationException} when this connection can never open
     *                   anything again (its Aeron client closed): that fails the reader, so Flink restarts it with a
     *                   new connection.
     */
    FrameSource open(TensorPoolSplit split, StartingPosition position) throws Exception;

    /**
     * @return a discoverer of the streams of this host's driver, for reader-side discovery.
     * @throws Exception if it cannot be created.
     */
    StreamDiscoverer discoverer() throws Exception;

    /**
     * Close every resource; idempotent.
     */
    @Override
    void close();

    /**
     * Creates connections on task managers; part of the (serializable) source.
     */
    @FunctionalInterface
    interface Factory extends Serializable
    {
        /**
         * @param config the source's options.
         * @return a connection.
         * @throws Exception if Aeron or the driver cannot be reached.
         */
        TensorPoolConnection connect(ReadableConfig config) throws Exception;
    }
}
