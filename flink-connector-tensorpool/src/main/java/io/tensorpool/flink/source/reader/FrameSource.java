package io.tensorpool.flink.source.reader;

import io.tensorpool.client.DataSourceMetadata;
import org.apache.flink.annotation.Internal;

/**
 * One attached stream on a reader's host, polled from the reader's fetch thread only: the connector's view of a
 * tensorpool consumer. Never blocks; keeps its lease alive as part of {@link #poll}. Opened with
 * {@code EARLIEST_IN_RING} it first delivers, in seq order, the frames of the epoch it maps that are still committed
 * in the ring, then live frames; it does the same after each remap to a new epoch.
 */
@Internal
public interface FrameSource extends AutoCloseable
{
    /** {@link #epoch()} before the consumer knows the stream's epoch. */
    long NO_EPOCH = -1;

    /**
     * Deliver live frames (and do the consumer's duty cycle: keepalive, announces, metadata).
     *
     * @param callback receives each validated frame.
     * @param limit    most frames to deliver (descriptors of frames lost meanwhile are consumed too, not counted).
     * @return work done: descriptors consumed (delivered or dropped as lost), control messages handled or sent;
     *         0 when there was nothing to do. A source that falls behind consumes descriptors of overwritten
     *         frames without delivering any; polling again at once lets it catch up.
     */
    int poll(FrameCallback callback, int limit);

    /**
     * @return the stream's current epoch, or {@link #NO_EPOCH}.
     */
    long epoch();

    /**
     * @param metaVersion a frame's meta version.
     * @return the metadata of that version, or null if not received.
     */
    DataSourceMetadata metadata(long metaVersion);

    /**
     * @return frames lost to gaps (never seen: overwritten before they were read).
     */
    long dropsGap();

    /**
     * @return frames lost because they were overwritten while being read (late), including frames that changed
     *         while the callback ran.
     */
    long dropsLate();

    /**
     * @return the highest seq the producer announced, or -1 if unknown.
     */
    long latestSeq();

    /**
     * Detach and unmap. Idempotent.
     */
    @Override
    void close();
}
