package io.tensorpool.examples.camera;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A synthetic camera: 480x640 uint8 frames of a diagonal gradient that moves a little with every frame, so a result
 * computed from the wrong frame (or a torn one) shows. Pixel (r, c) of frame s is {@code (r + c + 3s) & 0xFF}.
 */
public final class GradientCamera
{
    public static final int HEIGHT = 480;
    public static final int WIDTH = 640;
    public static final int FRAME_BYTES = HEIGHT * WIDTH;
    public static final int[] SHAPE = {HEIGHT, WIDTH};

    /** A ramp 0..255 repeated, so one row of any frame is a single copy from it. */
    private final UnsafeBuffer ramp;

    public GradientCamera()
    {
        final byte[] bytes = new byte[WIDTH + 256];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)i;
        }
        ramp = new UnsafeBuffer(bytes);
    }

    /** Write frame {@code frameIndex} into {@code dst} (row-major, no allocation). */
    public void render(final long frameIndex, final MutableDirectBuffer dst)
    {
        final int phase = (int)((3 * frameIndex) & 0xFF);
        for (int r = 0; r < HEIGHT; r++)
        {
            dst.putBytes(r * WIDTH, ramp, (r + phase) & 0xFF, WIDTH);
        }
    }

    /** The exact mean brightness of frame {@code frameIndex}, computed from the formula, not from pixels. */
    public static double expectedMean(final long frameIndex)
    {
        final int phase = (int)((3 * frameIndex) & 0xFF);
        long sum = 0;
        for (int r = 0; r < HEIGHT; r++)
        {
            // one row is WIDTH consecutive ramp values starting at (r + phase) & 0xFF
            final int start = (r + phase) & 0xFF;
            final int fullCycles = WIDTH / 256;
            sum += (long)fullCycles * (255 * 256 / 2);
            for (int i = 0; i < WIDTH % 256; i++)
            {
                sum += (start + i) & 0xFF;
            }
        }
        return (double)sum / FRAME_BYTES;
    }
}
