package io.tensorpool.client;

import io.tensorpool.shm.FrameView;

/**
 * Receives validated frames from {@link TensorPoolConsumer#poll}. The {@link FrameView} is a zero-copy view into
 * shared memory, reused for every frame and valid only during the call. The producer may overwrite the slot at any
 * moment (lossy overwrite, Wire §15.4), so a handler that keeps or acts on the payload bytes must either
 * <ul>
 * <li>read them, then confirm with {@link FrameView#stillCommitted()} and discard what it read if false, or</li>
 * <li>copy them out with {@link FrameView#copyPayloadTo}, which confirms in one step and returns false if torn.</li>
 * </ul>
 * After the call the consumer re-checks the slot itself and counts {@code drops_late} if it changed.
 */
@FunctionalInterface
public interface FrameHandler
{
    /** One frame whose header passed every check of Wire §10.2.1 and §15.21; never blocks the caller for long. */
    void onFrame(FrameView frame);
}
