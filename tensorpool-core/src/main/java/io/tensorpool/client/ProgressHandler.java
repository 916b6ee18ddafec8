package io.tensorpool.client;

/**
 * Receives validated {@code FrameProgress} hints (Wire §10.2.2) for consumers that opted in with
 * {@code supportsProgress}. Hints are informational: in v1.1 the slot's tensor header is written at commit, so no
 * prefix can be proven layout-safe before the frame is committed; the committed frame is delivered to the
 * {@link FrameHandler} as usual when its {@code FrameDescriptor} arrives. Delivered hints are for the mapped epoch,
 * for a header index equal to {@code frameId & (nslots - 1)}, with {@code bytesFilled} non-decreasing within the frame
 * and never above the largest pool stride; anything else is dropped and counted.
 */
@FunctionalInterface
public interface ProgressHandler
{
    /**
     * @param state {@code 1} STARTED, {@code 2} PROGRESS, {@code 3} COMPLETE (values of {@code FrameProgressState}).
     */
    void onProgress(int streamId, long epoch, long frameId, int headerIndex, long bytesFilled, int state);
}
