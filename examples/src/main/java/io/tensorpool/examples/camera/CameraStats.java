package io.tensorpool.examples.camera;

import io.tensorpool.flink.common.TensorFrame;
import org.apache.flink.api.common.functions.MapFunction;
import org.agrona.concurrent.UnsafeBuffer;

/** The per-frame computation of the demo and the cluster job: thumbnail and mean brightness of a uint8 image. */
public class CameraStats implements MapFunction<TensorFrame, FrameStats>
{
    private static final long serialVersionUID = 1L;

    @Override
    public FrameStats map(final TensorFrame frame)
    {
        final int[] shape = frame.shape();
        if (shape.length != 2 || shape[0] != GradientCamera.HEIGHT || shape[1] != GradientCamera.WIDTH)
        {
            throw new IllegalArgumentException("expected a 480x640 frame, got " + java.util.Arrays.toString(shape));
        }
        final FrameStats stats = new FrameStats();
        stats.streamId = frame.streamId();
        stats.seq = frame.seq();
        stats.timestampNs = frame.timestampNs();
        stats.thumbnail = new float[FrameStats.HEIGHT * FrameStats.WIDTH];
        Thumbnails.blockMeans(new UnsafeBuffer(frame.payload()), GradientCamera.HEIGHT, GradientCamera.WIDTH,
            FrameStats.FACTOR, stats.thumbnail);
        stats.meanBrightness = Thumbnails.mean(stats.thumbnail);
        return stats;
    }
}
