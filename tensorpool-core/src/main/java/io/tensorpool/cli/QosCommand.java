package io.tensorpool.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aeron.Aeron;
import io.tensorpool.codecs.wire.QosConsumerDecoder;
import io.tensorpool.codecs.wire.QosProducerDecoder;
import io.tensorpool.control.DefaultEndpoints;
import io.tensorpool.control.WireMessageListener;
import io.tensorpool.control.WirePoller;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code tensorpool qos}: a live table of producers and consumers from the QoS stream ({@code QosProducer},
 * {@code QosConsumer}, Wire §10.4), with rates computed from successive reports.
 */
@Command(
    name = "qos",
    mixinStandardHelpOptions = true,
    description = {
        "Show a live table of producers and consumers from the QoS stream: rate, last seq, drops and epoch.",
        "",
        "Producers and consumers report about once a second; rates are computed from successive reports. " +
            "Stop with Ctrl-C; with --once print one table after --duration (default 3 s) and exit.",
    })
final class QosCommand implements Callable<Integer>, WireMessageListener
{
    /** An entry not heard from for this long is marked stale. */
    static final long STALE_NS = TimeUnit.SECONDS.toNanos(5);

    @Spec
    CommandSpec spec;

    @Option(names = "--stream", paramLabel = "ID", description = "Only this stream id.")
    Long streamFilter;

    @Option(names = "--once", description = "Listen for --duration (default 3 s), print one table and exit.")
    boolean once;

    @Option(names = "--qos-channel", paramLabel = "CHANNEL", description = "QoS channel (default: ${DEFAULT-VALUE}).")
    String qosChannel = DefaultEndpoints.QOS_CHANNEL;

    @Option(names = "--qos-stream-id", paramLabel = "ID", description = "QoS stream id (default: ${DEFAULT-VALUE}).")
    int qosStreamId = DefaultEndpoints.QOS_STREAM_ID;

    @Mixin
    AeronOptions aeronOptions;

    @Mixin
    RunOptions run;

    private final Map<String, Entry> entries = new TreeMap<>();
    private long nowNs;

    @Override
    public Integer call()
    {
        final Duration duration = run.duration() != null ? run.duration() : once ? Duration.ofSeconds(3) : null;
        final PrintWriter out = spec.commandLine().getOut();
        Aeron aeron = null;
        WirePoller poller = null;
        final StopSignal stop = StopSignal.install(duration);
        try
        {
            aeron = aeronOptions.connect();
            poller = new WirePoller(aeron.addSubscription(qosChannel, qosStreamId), this, 0,
                "qos " + qosChannel + "/" + qosStreamId, true);
            final IdleStrategy idle = new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(1));
            long nextPrintNs = System.nanoTime() + StatusLine.DEFAULT_INTERVAL_NS;
            while (stop.running())
            {
                nowNs = System.nanoTime();
                final int work = poller.poll(16);
                if (!once && !run.json && nowNs - nextPrintNs >= 0)
                {
                    nextPrintNs = nowNs + StatusLine.DEFAULT_INTERVAL_NS;
                    printTable(out);
                }
                idle.idle(work);
            }
            nowNs = System.nanoTime();
            if (run.json)
            {
                out.println(InspectCommand.toJson(toJson()));
            }
            else
            {
                printTable(out);
            }
            out.flush();
            return TensorPoolCommand.EXIT_OK;
        }
        finally
        {
            CloseHelper.quietCloseAll(poller, aeron);
            // last, so that a Ctrl-C waits until everything above is closed
            stop.close();
        }
    }

    @Override
    public void onQosProducer(final QosProducerDecoder decoder, final int source)
    {
        final long stream = decoder.streamId();
        if (streamFilter == null || streamFilter == stream)
        {
            final Entry entry = entries.computeIfAbsent(String.format(Locale.ROOT, "%010d P %010d", stream,
                decoder.producerId()), k -> new Entry("producer", stream, decoder.producerId()));
            entry.report(nowNs, decoder.epoch(), decoder.currentSeq(), 0, 0, "-");
        }
    }

    @Override
    public void onQosConsumer(final QosConsumerDecoder decoder, final int source)
    {
        final long stream = decoder.streamId();
        if (streamFilter == null || streamFilter == stream)
        {
            final Entry entry = entries.computeIfAbsent(String.format(Locale.ROOT, "%010d C %010d", stream,
                decoder.consumerId()), k -> new Entry("consumer", stream, decoder.consumerId()));
            entry.report(nowNs, decoder.epoch(), decoder.lastSeqSeen(), decoder.dropsGap(), decoder.dropsLate(),
                decoder.mode().name());
        }
    }

    private void printTable(final PrintWriter out)
    {
        out.println(String.format(Locale.ROOT, "%-10s %-9s %-10s %-6s %-10s %10s %10s %10s %-12s %s", "STREAM",
            "ROLE", "ID", "EPOCH", "SEQ", "FRAMES/S", "DROPS_GAP", "DROPS_LATE", "MODE", "LAST HEARD"));
        if (entries.isEmpty())
        {
            out.println("(no QoS reports yet on " + qosChannel + " stream " + qosStreamId + ")");
        }
        for (final Entry e : entries.values())
        {
            out.println(String.format(Locale.ROOT, "%-10d %-9s %-10d %-6d %-10d %10.1f %10d %10d %-12s %.1fs ago%s",
                e.streamId, e.role, e.id, e.epoch, e.seq, e.rate, e.dropsGap, e.dropsLate, e.mode,
                (nowNs - e.lastHeardNs) / 1e9, nowNs - e.lastHeardNs > STALE_NS ? " (stale)" : ""));
        }
        out.println();
        out.flush();
    }

    private ObjectNode toJson()
    {
        final ObjectNode root = JsonNodeFactory.instance.objectNode();
        final ArrayNode array = root.putArray("entries");
        for (final Entry e : entries.values())
        {
            array.addObject().put("streamId", e.streamId).put("role", e.role).put("id", e.id).put("epoch", e.epoch)
                .put("seq", e.seq).put("framesPerSecond", Math.round(e.rate * 10) / 10.0)
                .put("dropsGap", e.dropsGap).put("dropsLate", e.dropsLate).put("mode", e.mode)
                .put("lastHeardSecondsAgo", Math.round((nowNs - e.lastHeardNs) / 1e8) / 10.0)
                .put("reports", e.reports);
        }
        return root;
    }

    /** The latest report of one producer or consumer. */
    static final class Entry
    {
        final String role;
        final long streamId;
        final long id;
        long epoch;
        long seq;
        long dropsGap;
        long dropsLate;
        String mode;
        double rate;
        long lastHeardNs;
        long reports;

        Entry(final String role, final long streamId, final long id)
        {
            this.role = role;
            this.streamId = streamId;
            this.id = id;
        }

        void report(final long nowNs, final long epoch, final long seq, final long dropsGap, final long dropsLate,
            final String mode)
        {
            if (reports > 0 && epoch == this.epoch && nowNs > lastHeardNs)
            {
                rate = Math.max(0, seq - this.seq) / ((nowNs - lastHeardNs) / 1e9);
            }
            else
            {
                rate = 0;
            }
            this.epoch = epoch;
            this.seq = seq;
            this.dropsGap = dropsGap;
            this.dropsLate = dropsLate;
            this.mode = mode;
            this.lastHeardNs = nowNs;
            reports++;
        }
    }
}
