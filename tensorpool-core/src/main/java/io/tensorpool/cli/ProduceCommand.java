package io.tensorpool.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aeron.Aeron;
import io.tensorpool.client.TensorPoolProducer;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.Hugepages;
import io.tensorpool.tensor.ElementTypes;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code tensorpool produce}: publish synthetic frames on a stream, zero-copy through the seqlock commit path, at a
 * fixed rate or as fast as possible.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = {
        "Publish synthetic tensors on a stream.",
        "",
        "The producer attaches through the SHM driver ('tensorpool driver'), which creates unknown " +
            "streams on demand and announces them; with --standalone it owns the region files itself (Wire " +
            "§15.21a.3 layout under --shm-dir) and announces them. With --pattern counter byte i of frame s " +
            "is (s + i) & 0xFF, which 'tensorpool consume --verify counter' checks. Stop with Ctrl-C.",
    })
final class ProduceCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--count", paramLabel = "N", description = "Frames to publish, then stop (default: no limit).")
    long count;

    @Option(names = "--rate", paramLabel = "HZ", description = "Frames per second (default: as fast as possible).")
    double rateHz;

    @Option(names = "--shape", split = ",", paramLabel = "D0,D1,...", defaultValue = "480,640",
        description = "Tensor shape, row-major (default: ${DEFAULT-VALUE}).")
    int[] shape;

    @Option(names = "--dtype", paramLabel = "DTYPE", defaultValue = "uint8",
        description = "Element type: uint8, int8, uint16, int16, uint32, int32, uint64, int64, float32, float64, " +
        "boolean, bytes (default: ${DEFAULT-VALUE}).")
    Dtype dtype;

    @Option(names = "--pattern", paramLabel = "PATTERN", defaultValue = "counter",
        description = "Payload contents: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    FramePattern pattern;

    @Option(names = "--standalone", description = "Own the region files instead of attaching through the SHM driver " +
        "(no 'tensorpool driver' needed, only a media driver).")
    boolean standalone;

    @Option(names = "--require-hugepages", description = "Regions must be hugepage-backed: with --standalone the " +
        "--shm-dir must be on hugetlbfs (announced with require_hugepages=true), else the SHM driver is asked for " +
        "hugepages and refuses if it has none.")
    boolean requireHugepages;

    @Option(names = "--nslots", paramLabel = "N", defaultValue = "64",
        description = "With --standalone: header ring slots, a power of two (default: ${DEFAULT-VALUE}).")
    int nslots;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "",
        description = "Data source name, for discovery.")
    String name;

    @Option(names = "--tag", paramLabel = "TAG", description = "Data source tag, for discovery (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--wait-for-consumer", description = "Publish only once at least one consumer said hello.")
    boolean waitForConsumer;

    @Mixin
    StreamEndpointOptions endpoint;

    @Mixin
    RunOptions run;

    @Override
    public Integer call()
    {
        final int streamIdU32 = endpoint.streamId();
        final int ndims = CliArguments.checkShape(shape);
        final int elementSize = ElementTypes.elementSize(dtype);
        if (dtype == Dtype.NULL_VAL || dtype == Dtype.UNKNOWN || elementSize < 0)
        {
            throw CliArguments.usage("--dtype must be a concrete element type, was " + dtype);
        }
        final long frameBytes = CliArguments.elementCount(shape) * elementSize;
        final int frameStride = CliArguments.strideFor(frameBytes, nslots);
        if (rateHz < 0 || Double.isNaN(rateHz) || Double.isInfinite(rateHz))
        {
            throw CliArguments.usage("--rate must be a positive number of frames per second, was " + rateHz);
        }
        CliArguments.count(count);

        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        Aeron aeron = null;
        TensorPoolProducer producer = null;
        final StopSignal stop = StopSignal.install(run.duration());
        try
        {
            aeron = endpoint.connect();
            // only once a media driver answered: the base directory is created when missing
            final Path shmBaseDir = endpoint.shmBaseDir();
            // on hugetlbfs a pool stride must be whole hugepages (Wire §15.22)
            final long hugepage = standalone ? Hugepages.hugetlbfsPageSize(shmBaseDir) : -1;
            final int stride = (int)Math.max(frameStride, hugepage);
            producer = new TensorPoolProducer(new TensorPoolProducer.Context()
                .aeron(aeron)
                .useDriver(!standalone)
                .streamId(streamIdU32)
                .shmBaseDir(shmBaseDir)
                .headerNslots(nslots)
                .poolStrides(stride)
                .requireHugepages(requireHugepages)
                .dataSourceName(name)
                .tags(tags));
            err.println("produce stream=" + Integer.toUnsignedString(streamIdU32) + " shape=" +
                CliArguments.shapeText(shape, ndims) + " dtype=" + dtype + " bytes=" + frameBytes +
                (standalone ? " standalone stride=" + stride + " nslots=" + nslots : " via the SHM driver"));
            err.flush();
            final ObjectNode summary = publish(stop, producer, (int)frameBytes, ndims, err);
            SummaryOutput.print(out, run.json, summary);
            return TensorPoolCommand.EXIT_OK;
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CliFailure(ex.getMessage(), TensorPoolCommand.EXIT_USAGE, ex);
        }
        finally
        {
            CloseHelper.quietCloseAll(producer, aeron);
            // last, so that a Ctrl-C waits until everything above is closed
            stop.close();
        }
    }

    private ObjectNode publish(
        final StopSignal stop, final TensorPoolProducer producer, final int frameBytes, final int ndims,
        final PrintWriter err)
    {
        final StatusLine status = new StatusLine(err, "produce stream=" + Integer.toUnsignedString(producer.streamId()),
            !run.noStatus);
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MILLISECONDS.toNanos(1));
        final UnsafeBuffer ramp = FramePattern.ramp(frameBytes);
        final FrameClaim claim = new FrameClaim();
        final long periodNs = rateHz > 0 ? (long)(1e9 / rateHz) : 0;
        final long start = System.nanoTime();
        long nextNs = start;
        long published = 0;
        long notReady = 0;
        long invalid = 0;
        boolean waiting = waitForConsumer;
        boolean announced = false;

        while (stop.running() && (count == 0 || published < count))
        {
            int work = producer.doWork();
            final long now = System.nanoTime();
            if (producer.isReady() && !announced)
            {
                announced = true;
                err.println("produce stream=" + Integer.toUnsignedString(producer.streamId()) + " epoch=" +
                    producer.epoch() + " regions=" + producer.layout().headerRegionUri());
                err.flush();
            }
            if (waiting)
            {
                waiting = producer.consumerCount() == 0;
                if (!waiting)
                {
                    nextNs = now;
                }
            }
            else if (periodNs == 0 || now - nextNs >= 0)
            {
                final long seq = producer.tryClaim(frameBytes, claim);
                if (seq >= 0)
                {
                    pattern.fill(claim.buffer(), frameBytes, seq, ramp);
                    claim.dtype(dtype).shape(shape, ndims);
                    if (producer.commit(claim) >= 0)
                    {
                        published++;
                    }
                    else
                    {
                        invalid++;
                    }
                    work++;
                    // never burst to catch up after a stall: at most one period behind
                    nextNs = Math.max(nextNs + periodNs, now - periodNs);
                }
                else if (seq == TensorPoolProducer.NOT_READY)
                {
                    notReady++;
                }
                else if (seq == TensorPoolProducer.NO_POOL_FITS)
                {
                    throw new CliFailure(frameBytes + "-byte frames fit no payload pool of stream " +
                        Integer.toUnsignedString(producer.streamId()) + " (" + producer.layout().pools() +
                        "); use a driver profile with larger pools or --standalone");
                }
                else
                {
                    throw new CliFailure("producer cannot publish: code " + seq);
                }
            }
            if (status.due(now))
            {
                status.update(now, producer.framesPublished(), producer.bytesPublished(),
                    (waiting ? "waiting for a consumer | " : "") + "consumers=" + producer.consumerCount() +
                    " dropped=" + producer.framesDropped() + " back_pressured=" + producer.descriptorBackPressure());
            }
            idle.idle(periodNs == 0 && !waiting ? 1 : work);
        }
        status.finish();

        final double seconds = (System.nanoTime() - start) / 1e9;
        final ObjectNode summary = JsonNodeFactory.instance.objectNode();
        summary.put("stream", Integer.toUnsignedLong(producer.streamId()));
        summary.put("epoch", producer.epoch());
        summary.put("frames", published);
        summary.put("bytes", producer.bytesPublished());
        summary.put("dropped", producer.framesDropped());
        summary.put("invalid", invalid);
        summary.put("not_ready", notReady);
        summary.put("descriptor_back_pressure", producer.descriptorBackPressure());
        summary.put("descriptor_not_connected", producer.descriptorNotConnected());
        summary.put("last_seq", producer.currentSeq() - 1);
        summary.put("seconds", Math.round(seconds * 100) / 100.0);
        summary.put("frames_per_second", seconds > 0 ? Math.round(published / seconds * 10) / 10.0 : 0);
        summary.put("stopped_by_signal", stop.interruptedBySignal());
        return summary;
    }

}
