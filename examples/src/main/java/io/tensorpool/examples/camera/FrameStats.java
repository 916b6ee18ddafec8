package io.tensorpool.examples.camera;

/**
 * What the job computes per camera frame: its 60x80 thumbnail of 8x8 block means and its mean brightness. A Flink
 * POJO (public fields, no-arg constructor), so Flink serializes it without Kryo.
 */
public class FrameStats
{
    /** Thumbnail size: 480x640 downscaled by 8. */
    public static final int FACTOR = 8;
    public static final int HEIGHT = GradientCamera.HEIGHT / FACTOR;
    public static final int WIDTH = GradientCamera.WIDTH / FACTOR;
    public static final int[] SHAPE = {HEIGHT, WIDTH};

    /** Source frame's stream id. */
    public int streamId;
    /** Source frame's sequence number. */
    public long seq;
    /** Source frame's producer timestamp (CLOCK_MONOTONIC ns), carried to the result frame. */
    public long timestampNs;
    /** Mean brightness 0..255. */
    public double meanBrightness;
    /** {@link #HEIGHT} x {@link #WIDTH} block means, row-major. */
    public float[] thumbnail;

    public FrameStats()
    {
    }

    @Override
    public String toString()
    {
        return "FrameStats{stream=" + streamId + " seq=" + seq + " mean=" + meanBrightness + "}";
    }
}
