package io.tensorpool.flink.source.reader;

import io.tensorpool.shm.FrameView;
import org.apache.flink.annotation.Internal;

/**
 * Receives validated frames from a {@link FrameSource}; the view is valid only during the call.
 */
@Internal
@FunctionalInterface
public interface FrameCallback
{
    /**
     * @param frame a frame that passed the seqlock checks; its payload must be confirmed with
     *              {@link FrameView#stillCommitted()} after reading.
     */
    void onFrame(FrameView frame);
}
