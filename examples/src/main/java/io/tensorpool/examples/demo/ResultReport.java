package io.tensorpool.examples.demo;

import io.tensorpool.client.FrameHandler;
import io.tensorpool.client.TensorPoolConsumer;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.examples.camera.FrameStats;
import io.tensorpool.examples.camera.GradientCamera;
import io.tensorpool.examples.camera.Thumbnails;
import io.tensorpool.shm.FrameView;
import org.agrona.CloseHelper;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads the job's result stream like any tensorpool consumer and checks every result against the camera frame it
 * came from: the mean brightness computed by the job must equal the exact mean of that frame.
 */
final class ResultReport implements FrameHandler, AutoCloseable
{
    /** Tolerance on the mean: float32 block means summed in double. */
    static final double MEAN_TOLERANCE = 1e-3;

    private final TensorPoolConsumer consumer;
    private final CameraProducer camera;
    private final float[] thumbnail = new float[FrameStats.HEIGHT * FrameStats.WIDTH];
    private final float[] lastThumbnail = new float[thumbnail.length];
    private long results;
    private long matched;
    private long mismatched;
    private long unknownSource;
    private long badShape;
    private double maxError;
    private double minMean = Double.MAX_VALUE;
    private double maxMean = -1;
    private long lastSourceSeq = -1;

    ResultReport(final String aeronDir, final List<Path> allowedDirs, final int streamId, final CameraProducer camera)
    {
        this.camera = camera;
        this.consumer = new TensorPoolConsumer(new TensorPoolConsumer.Context()
            .aeronDirectoryName(aeronDir)
            .streamId(streamId)
            .allowedBaseDirs(allowedDirs));
    }

    int poll()
    {
        return consumer.poll(this, 16);
    }

    long results()
    {
        return results;
    }

    @Override
    public void onFrame(final FrameView frame)
    {
        if (frame.dtype() != Dtype.FLOAT32 || frame.ndims() != 2 || frame.dim(0) != FrameStats.HEIGHT ||
            frame.dim(1) != FrameStats.WIDTH)
        {
            badShape++;
            return;
        }
        for (int i = 0; i < thumbnail.length; i++)
        {
            thumbnail[i] = frame.payload().getFloat(i * Float.BYTES, ByteOrder.LITTLE_ENDIAN);
        }
        if (!frame.stillCommitted())
        {
            return; // overwritten while copying: counted by the consumer as drops_late
        }
        results++;
        final double mean = Thumbnails.mean(thumbnail);
        minMean = Math.min(minMean, mean);
        maxMean = Math.max(maxMean, mean);
        final Long sourceSeq = camera.seqOf(frame.timestampNs());
        if (sourceSeq == null)
        {
            unknownSource++;
            return;
        }
        final double error = Math.abs(mean - GradientCamera.expectedMean(sourceSeq));
        maxError = Math.max(maxError, error);
        if (error <= MEAN_TOLERANCE)
        {
            matched++;
        }
        else
        {
            mismatched++;
        }
        lastSourceSeq = sourceSeq;
        System.arraycopy(thumbnail, 0, lastThumbnail, 0, thumbnail.length);
    }

    /** True if results arrived and every one matched its camera frame. */
    boolean passed()
    {
        return results > 0 && mismatched == 0 && unknownSource == 0 && badShape == 0;
    }

    String render(final long framesPublished, final long jobFrames)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "  camera frames published : %d (480x640 uint8)%n", framesPublished));
        sb.append(String.format(Locale.ROOT, "  frames the job read     : %d%n", jobFrames));
        sb.append(String.format(Locale.ROOT, "  results received        : %d (60x80 float32 thumbnails)%n", results));
        sb.append(String.format(Locale.ROOT, "  results checked         : %d match their camera frame, %d do not, " +
            "%d unknown source, %d bad shape%n", matched, mismatched, unknownSource, badShape));
        if (results > 0)
        {
            sb.append(String.format(Locale.ROOT, "  mean brightness         : %.2f .. %.2f (max error %.2e)%n", minMean,
                maxMean, maxError));
        }
        sb.append(String.format(Locale.ROOT, "  result stream drops     : gap=%d late=%d (lossy by design: a slow " +
            "reader loses frames, never reads torn ones)%n", consumer.dropsGap(), consumer.dropsLate()));
        if (lastSourceSeq >= 0)
        {
            sb.append(String.format(Locale.ROOT, "  last thumbnail (camera frame %d):%n", lastSourceSeq));
            sb.append(Thumbnails.ascii(lastThumbnail, FrameStats.HEIGHT, FrameStats.WIDTH, 40));
        }
        return sb.toString();
    }

    @Override
    public void close()
    {
        CloseHelper.close(consumer);
    }
}
