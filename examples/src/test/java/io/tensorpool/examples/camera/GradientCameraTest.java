package io.tensorpool.examples.camera;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class GradientCameraTest
{
    @Test
    void expectedMeanIsTheMeanOfTheRenderedPixelsAndTheThumbnailKeepsIt()
    {
        final GradientCamera camera = new GradientCamera();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[GradientCamera.FRAME_BYTES]);
        final float[] thumbnail = new float[FrameStats.HEIGHT * FrameStats.WIDTH];
        for (final long seq : new long[]{0, 1, 7, 85, 1000})
        {
            camera.render(seq, frame);
            long sum = 0;
            for (int i = 0; i < GradientCamera.FRAME_BYTES; i++)
            {
                sum += frame.getByte(i) & 0xFF;
            }
            final double pixelMean = (double)sum / GradientCamera.FRAME_BYTES;
            assertEquals(pixelMean, GradientCamera.expectedMean(seq), 1e-9, "seq " + seq);
            assertEquals((seq * 3) & 0xFF, frame.getByte(0) & 0xFF, "frames move by 3 levels per frame");

            Thumbnails.blockMeans(frame, GradientCamera.HEIGHT, GradientCamera.WIDTH, FrameStats.FACTOR, thumbnail);
            assertEquals(pixelMean, Thumbnails.mean(thumbnail), 1e-4, "mean of equal block means is the image mean");
        }
        assertNotEquals(GradientCamera.expectedMean(0), GradientCamera.expectedMean(40),
            "a result from the wrong frame must be detectable");
    }
}
