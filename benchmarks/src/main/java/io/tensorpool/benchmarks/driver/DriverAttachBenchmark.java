package io.tensorpool.benchmarks.driver;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tensorpool.codecs.driver.HugepagesPolicy;
import io.tensorpool.codecs.driver.LeaseRevokeReason;
import io.tensorpool.codecs.driver.MessageHeaderDecoder;
import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.driver.ShmAttachResponseDecoder;
import io.tensorpool.codecs.driver.ShmDetachResponseDecoder;
import io.tensorpool.codecs.driver.ShmLeaseRevokedDecoder;
import io.tensorpool.control.DefaultEndpoints;
import io.tensorpool.driver.DriverProfile;
import io.tensorpool.driver.ShmDriver;
import io.tensorpool.driver.ShmDriverLauncher;
import io.tensorpool.driver.client.DriverRequestEncoder;
import io.tensorpool.shm.StreamRegionFiles;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Driver control-plane harness (not JMH: it measures a request/response protocol across threads):
 * <ol>
 *   <li>attach round trip: one requester sends {@code ShmAttachRequest} (consumer, existing stream) and waits for
 *   the response, then detaches; p50/p99/max over many attaches; also producer attaches, which create a new epoch's
 *   region files each time;</li>
 *   <li>capacity: attach N leases, then send keepalives for all of them at the driver's keepalive interval for a few
 *   lease lifetimes, and count leases the driver expired (must be 0) and active leases at the end.</li>
 * </ol>
 * The driver runs on its own thread with a shared-mode embedded media driver, as a standalone driver would.
 * Run: {@code java <tensorpool JVM flags> -cp benchmarks/target/benchmarks.jar
 * io.tensorpool.benchmarks.driver.DriverAttachBenchmark [attaches] [lease counts...]}.
 */
public final class DriverAttachBenchmark
{
    private static final int STREAM = 10000;
    private static final String CHANNEL = "aeron:ipc?term-length=16m";
    private static final long KEEPALIVE_NS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final int GRACE = 3;

    private final Aeron aeron;
    private final Publication publication;
    private final Subscription subscription;
    private final DriverRequestEncoder encoder = new DriverRequestEncoder();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final ShmAttachResponseDecoder attachResponse = new ShmAttachResponseDecoder();
    private final ShmDetachResponseDecoder detachResponse = new ShmDetachResponseDecoder();
    private final ShmLeaseRevokedDecoder revoked = new ShmLeaseRevokedDecoder();
    private final FragmentAssembler assembler = new FragmentAssembler(this::onFragment);
    private long awaitedCorrelationId = -1;
    private long responseLeaseId;
    private int responseCode = -1;
    private boolean responded;
    private long expired;
    private long correlationId = 1;

    private DriverAttachBenchmark(final Aeron aeron)
    {
        this.aeron = aeron;
        this.publication = aeron.addExclusivePublication(CHANNEL, DefaultEndpoints.CONTROL_STREAM_ID);
        this.subscription = aeron.addSubscription(CHANNEL, DefaultEndpoints.CONTROL_STREAM_ID);
        while (!publication.isConnected())
        {
            Thread.onSpinWait();
        }
    }

    public static void main(final String[] args) throws Exception
    {
        final int attaches = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        final int[] leaseCounts = args.length > 1 ?
            Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray() :
            new int[]{1000, 10000, 50000};
        final String aeronDir = new File("/dev/shm", "tp-bench-aeron-" + UUID.randomUUID()).getAbsolutePath();
        final Path base = Path.of("/dev/shm", "tp-bench-driver-" + UUID.randomUUID());
        final MediaDriver media = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .ipcTermBufferLength(16 * 1024 * 1024));
        final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
        final ShmDriverLauncher driver = ShmDriverLauncher.launch(new ShmDriver.Context()
            .aeron(aeron)
            .controlChannel(CHANNEL)
            .shmBaseDir(base)
            .profile(new DriverProfile("bench", 64, new int[]{1}, new int[]{65536}))
            .prefault(false)
            .embeddedDiscovery(false)
            .keepaliveIntervalNs(KEEPALIVE_NS)
            .expiryGraceIntervals(GRACE));
        try
        {
            final DriverAttachBenchmark bench = new DriverAttachBenchmark(aeron);
            System.out.printf("cores=%d java=%s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
            bench.roundTrips("consumer attach", Role.CONSUMER, attaches);
            bench.roundTrips("producer attach (new epoch + region files each)", Role.PRODUCER,
                Math.max(100, attaches / 10));
            for (final int count : leaseCounts)
            {
                bench.capacity(count, 4);
            }
        }
        finally
        {
            CloseHelper.closeAll(driver, aeron, media);
            StreamRegionFiles.deleteRecursively(base);
        }
    }

    private void roundTrips(final String what, final Role role, final int count)
    {
        final int warmup = Math.min(500, count / 5);
        final long[] samples = new long[count];
        for (int i = -warmup; i < count; i++)
        {
            final int clientId = 1_000_000 + (i + warmup);
            final long start = System.nanoTime();
            final long leaseId = attach(clientId, role);
            final long end = System.nanoTime();
            detach(leaseId, clientId, role);
            if (i >= 0)
            {
                samples[i] = end - start;
            }
        }
        Arrays.sort(samples);
        System.out.printf("%s round trip over %d: p50=%.1f us p99=%.1f us max=%.1f us%n", what, count,
            samples[count / 2] / 1e3, samples[(int)(count * 0.99)] / 1e3, samples[count - 1] / 1e3);
    }

    private void capacity(final int leases, final int lifetimes) throws InterruptedException
    {
        final long[] leaseIds = new long[leases];
        final long baseClient = 2_000_000L + leases * 10L;
        final long attachStart = System.nanoTime();
        for (int i = 0; i < leases; i++)
        {
            leaseIds[i] = attach((int)(baseClient + i), Role.CONSUMER);
        }
        final long attachNs = System.nanoTime() - attachStart;
        expired = 0;
        final long end = System.nanoTime() + lifetimes * GRACE * KEEPALIVE_NS;
        long rounds = 0;
        long worstRoundNs = 0;
        while (System.nanoTime() < end)
        {
            final long roundStart = System.nanoTime();
            for (int i = 0; i < leases; i++)
            {
                final int length = encoder.keepalive(buffer, 0, leaseIds[i], STREAM, (int)(baseClient + i),
                    Role.CONSUMER, roundStart);
                while (publication.offer(buffer, 0, length) < 0)
                {
                    poll();
                }
            }
            rounds++;
            final long roundNs = System.nanoTime() - roundStart;
            worstRoundNs = Math.max(worstRoundNs, roundNs);
            final long next = roundStart + KEEPALIVE_NS;
            while (System.nanoTime() < next)
            {
                if (poll() == 0)
                {
                    Thread.sleep(1);
                }
            }
        }
        final long expiredDuringRun = expired;
        for (int i = 0; i < leases; i++)
        {
            detach(leaseIds[i], (int)(baseClient + i), Role.CONSUMER);
        }
        System.out.printf("capacity: %d leases attached in %.0f ms (%.0f attaches/s); %d keepalive rounds every " +
            "%d ms (worst send round %.1f ms); leases expired while keepalives flowed: %d%n", leases,
            attachNs / 1e6, leases / (attachNs / 1e9), rounds, TimeUnit.NANOSECONDS.toMillis(KEEPALIVE_NS),
            worstRoundNs / 1e6, expiredDuringRun);
    }

    private long attach(final int clientId, final Role role)
    {
        final long id = correlationId++;
        final int length = encoder.attachRequest(buffer, 0, id, STREAM, clientId, role, 0,
            PublishMode.EXISTING_OR_CREATE, HugepagesPolicy.UNSPECIFIED);
        await(id, length);
        if (responseCode != 0)
        {
            throw new IllegalStateException("attach refused code=" + responseCode + " client=" + clientId);
        }
        return responseLeaseId;
    }

    private void detach(final long leaseId, final int clientId, final Role role)
    {
        final long id = correlationId++;
        await(id, encoder.detachRequest(buffer, 0, id, leaseId, STREAM, clientId, role));
    }

    private void await(final long id, final int length)
    {
        awaitedCorrelationId = id;
        responded = false;
        while (publication.offer(buffer, 0, length) < 0)
        {
            poll();
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!responded)
        {
            if (poll() == 0)
            {
                Thread.onSpinWait();
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("no response for correlationId " + id);
            }
        }
    }

    private int poll()
    {
        return subscription.poll(assembler, 256);
    }

    private void onFragment(final DirectBuffer b, final int offset, final int length, final io.aeron.logbuffer.Header h)
    {
        header.wrap(b, offset);
        if (header.schemaId() != ShmAttachResponseDecoder.SCHEMA_ID)
        {
            return;
        }
        switch (header.templateId())
        {
            case ShmAttachResponseDecoder.TEMPLATE_ID:
                attachResponse.wrapAndApplyHeader(b, offset, header);
                if (attachResponse.correlationId() == awaitedCorrelationId)
                {
                    responseCode = attachResponse.codeRaw();
                    responseLeaseId = attachResponse.leaseId();
                    responded = true;
                }
                break;
            case ShmDetachResponseDecoder.TEMPLATE_ID:
                detachResponse.wrapAndApplyHeader(b, offset, header);
                if (detachResponse.correlationId() == awaitedCorrelationId)
                {
                    responded = true;
                }
                break;
            case ShmLeaseRevokedDecoder.TEMPLATE_ID:
                revoked.wrapAndApplyHeader(b, offset, header);
                if (revoked.reasonRaw() == LeaseRevokeReason.EXPIRED.value())
                {
                    expired++;
                }
                break;
            default:
                break;
        }
    }
}
