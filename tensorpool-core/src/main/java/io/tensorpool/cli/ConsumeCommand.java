package io.tensorpool.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aeron.Aeron;
import io.tensorpool.client.FrameHandler;
import io.tensorpool.client.TensorPoolConsumer;
import io.tensorpool.shm.FrameView;
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
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code tensorpool consume}: receive the frames of a stream zero-copy, optionally verify their contents, and report
 * totals. Exit status 1 if any delivered frame failed verification.
 */
@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description = {
        "Receive the frames of a stream and report totals (frames, drops_gap, drops_late).",
        "",
        "Frames are read in place from shared memory after the seqlock checks; with --verify counter " +
            "every delivered frame's bytes are checked against the pattern 'tensorpool produce --pattern " +
            "counter' writes, and the exit status is 1 if any failed. Stop with Ctrl-C, --count or " +
            "--duration.",
    })
final class ConsumeCommand implements Callable<Integer>, FrameHandler
{
    @Spec
    CommandSpec spec;

    @Option(names = "--count", paramLabel = "N", description = "Frames to receive, then stop (default: no limit).")
    long count;

    @Option(names = "--verify", paramLabel = "PATTERN",
        description = "Check every frame's bytes: ${COMPLETION-CANDIDATES}.")
    FramePattern verify;

    @Option(names = "--start", paramLabel = "POSITION", defaultValue = "LATEST",
        description = "Where to start: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    TensorPoolConsumer.StartPosition start;

    @Mixin
    StreamEndpointOptions endpoint;

    @Mixin
    RunOptions run;

    private UnsafeBuffer ramp = FramePattern.ramp(0);
    private long frames;
    private long bytes;
    private long verifyFailures;
    private long tornWhileVerifying;
    private long firstSeq = -1;
    private long lastSeq = -1;
    private long firstFailedSeq = -1;
    private int firstFailedByte = -1;

    @Override
    public Integer call()
    {
        final int streamIdU32 = endpoint.streamId();
        CliArguments.count(count);
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        Aeron aeron = null;
        TensorPoolConsumer consumer = null;
        final StopSignal stop = StopSignal.install(run.duration());
        try
        {
            aeron = endpoint.connect();
            consumer = new TensorPoolConsumer(new TensorPoolConsumer.Context()
                .aeron(aeron)
                .streamId(streamIdU32)
                .allowedBaseDirs(List.of(endpoint.shmBaseDir()))
                .startPosition(start));
            final ObjectNode summary = receive(stop, consumer, err);
            SummaryOutput.print(out, run.json, summary);
            if (verifyFailures > 0)
            {
                err.println("tensorpool consume: " + verifyFailures + " frame(s) failed --verify " + verify +
                    "; first: seq=" + firstFailedSeq + " byte " + firstFailedByte);
                err.flush();
                return TensorPoolCommand.EXIT_FAILURE;
            }
            return TensorPoolCommand.EXIT_OK;
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CliFailure(ex.getMessage(), TensorPoolCommand.EXIT_USAGE, ex);
        }
        finally
        {
            CloseHelper.quietCloseAll(consumer, aeron);
            // last, so that a Ctrl-C waits until everything above is closed
            stop.close();
        }
    }

    private ObjectNode receive(final StopSignal stop, final TensorPoolConsumer consumer, final PrintWriter err)
    {
        final StatusLine status = new StatusLine(err, "consume stream=" + Integer.toUnsignedString(consumer.streamId()),
            !run.noStatus);
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MILLISECONDS.toNanos(1));
        final long startNs = System.nanoTime();
        while (stop.running() && (count == 0 || frames < count))
        {
            final int limit = count == 0 ? 16 : (int)Math.min(16, count - frames);
            final int work = consumer.poll(this, limit);
            final long now = System.nanoTime();
            if (status.due(now))
            {
                status.update(now, frames, bytes, "state=" + consumer.state() + " epoch=" + consumer.epoch() +
                    " drops_gap=" + consumer.dropsGap() + " drops_late=" + consumer.dropsLate() +
                    (verify == null ? "" : " verify_failures=" + verifyFailures));
            }
            idle.idle(work);
        }
        status.finish();

        final double seconds = (System.nanoTime() - startNs) / 1e9;
        final ObjectNode summary = JsonNodeFactory.instance.objectNode();
        summary.put("stream", Integer.toUnsignedLong(consumer.streamId()));
        summary.put("epoch", consumer.epoch());
        summary.put("frames", frames);
        summary.put("bytes", bytes);
        summary.put("drops_gap", consumer.dropsGap());
        summary.put("drops_late", consumer.dropsLate());
        summary.put("drops_invalid", consumer.dropsInvalid());
        summary.put("drops_unmapped", consumer.dropsUnmapped());
        if (verify != null)
        {
            summary.put("verify", verify.name());
            summary.put("verify_failures", verifyFailures);
            summary.put("torn_while_verifying", tornWhileVerifying);
        }
        summary.put("first_seq", firstSeq);
        summary.put("last_seq", lastSeq);
        summary.put("seconds", Math.round(seconds * 100) / 100.0);
        summary.put("frames_per_second", seconds > 0 ? Math.round(frames / seconds * 10) / 10.0 : 0);
        summary.put("stopped_by_signal", stop.interruptedBySignal());
        return summary;
    }

    /** One validated frame, read in place; verified bytes count only if the slot was still committed afterwards. */
    @Override
    public void onFrame(final FrameView frame)
    {
        final int length = frame.valuesLength();
        int mismatch = -1;
        if (verify != null)
        {
            if (ramp.capacity() < length + 264)
            {
                ramp = FramePattern.ramp(length);
            }
            mismatch = verify.firstMismatch(frame.payload(), length, frame.seq(), ramp);
        }
        if (!frame.stillCommitted())
        {
            // overwritten while we read it: the consumer counts it as drops_late, nothing was delivered
            tornWhileVerifying++;
            return;
        }
        if (mismatch >= 0)
        {
            if (verifyFailures++ == 0)
            {
                firstFailedSeq = frame.seq();
                firstFailedByte = mismatch;
            }
        }
        if (firstSeq < 0)
        {
            firstSeq = frame.seq();
        }
        lastSeq = frame.seq();
        frames++;
        bytes += length;
    }
}
