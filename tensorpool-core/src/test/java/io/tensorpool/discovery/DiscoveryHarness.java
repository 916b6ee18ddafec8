package io.tensorpool.discovery;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.tensorpool.testing.Await;
import io.tensorpool.testing.TestMediaDriver;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.CachedNanoClock;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A provider with two driver feeds ("drv-a", "drv-b") on a test media driver, driven by the test thread with a
 * controllable clock, plus a client and publications standing in for the drivers and producers.
 */
final class DiscoveryHarness implements AutoCloseable
{
    static final String CHANNEL = "aeron:ipc";
    static final int REQUEST_STREAM = 2500;
    static final int RESPONSE_STREAM = 2600;
    static final int RAW_RESPONSE_STREAM = 2700;
    static final int A_ANNOUNCE = 2001;
    static final int A_METADATA = 2002;
    static final int B_ANNOUNCE = 3001;
    static final int B_METADATA = 3002;
    static final String B_CONTROL = "aeron:udp?endpoint=host-b:40100";
    static final long ANNOUNCE_PERIOD_NS = 1_000_000_000L;

    final TestMediaDriver mediaDriver;
    final Aeron aeron;
    final CachedNanoClock clock = new CachedNanoClock();
    final DiscoveryProvider provider;
    final DiscoveryClient client;
    final Publication aAnnounce;
    final Publication aMetadata;
    final Publication bAnnounce;
    final Publication bMetadata;
    final Publication rawRequests;
    final Subscription rawResponses;
    final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
    final List<byte[]> rawReceived = new ArrayList<>();

    DiscoveryHarness(final Consumer<DiscoveryProvider.Context> customizer)
    {
        mediaDriver = TestMediaDriver.launch();
        aeron = mediaDriver.connect();
        clock.update(10_000_000_000L);
        final DiscoveryProvider.Context ctx = new DiscoveryProvider.Context()
            .aeron(aeron)
            .nanoClock(clock)
            .requestChannel(CHANNEL)
            .requestStreamId(REQUEST_STREAM)
            .announcePeriodNs(ANNOUNCE_PERIOD_NS)
            .addFeed(new DriverFeed("drv-a", "aeron:ipc?term-length=4m", 1000, CHANNEL, A_ANNOUNCE, CHANNEL,
                A_METADATA))
            .addFeed(new DriverFeed("drv-b", B_CONTROL, 1001, CHANNEL, B_ANNOUNCE, CHANNEL, B_METADATA));
        customizer.accept(ctx);
        provider = new DiscoveryProvider(ctx);
        client = DiscoveryClient.connect(new DiscoveryClient.Context()
            .aeron(aeron)
            .requestChannel(CHANNEL)
            .requestStreamId(REQUEST_STREAM)
            .responseChannel(CHANNEL)
            .responseStreamId(RESPONSE_STREAM)
            .requestTimeoutNs(20_000_000_000L));
        aAnnounce = aeron.addPublication(CHANNEL, A_ANNOUNCE);
        aMetadata = aeron.addPublication(CHANNEL, A_METADATA);
        bAnnounce = aeron.addPublication(CHANNEL, B_ANNOUNCE);
        bMetadata = aeron.addPublication(CHANNEL, B_METADATA);
        rawRequests = aeron.addPublication(CHANNEL, REQUEST_STREAM);
        rawResponses = aeron.addSubscription(CHANNEL, RAW_RESPONSE_STREAM);
        for (final Publication p : List.of(aAnnounce, aMetadata, bAnnounce, bMetadata, rawRequests))
        {
            Await.until("feed publication connected " + p.streamId(), p::isConnected, this::step);
        }
    }

    void step()
    {
        provider.doWork();
        client.poll();
        rawResponses.poll((b, o, l, h) ->
        {
            final byte[] bytes = new byte[l];
            b.getBytes(o, bytes);
            rawReceived.add(bytes);
        }, 10);
    }

    private long feedEvents()
    {
        final StreamIndex i = provider.index();
        return i.announcesApplied() + i.announcesRejected() + i.epochRegressionsDropped() + i.metadataApplied() +
            i.metadataRejected() + i.metadataStale() + i.capacityRejected() + provider.feedMalformed();
    }

    /** Offer {@code length} bytes of {@link #buffer} and drive the provider until it has processed them. */
    void publish(final Publication publication, final int length)
    {
        final long before = feedEvents();
        Await.until("offer on " + publication.streamId(), () -> publication.offer(buffer, 0, length) > 0);
        Await.until("provider processed message on " + publication.streamId(), () -> feedEvents() > before,
            this::step);
    }

    void announceA(final int streamId, final int producerId, final long epoch)
    {
        publish(aAnnounce, TestMessages.poolAnnounce(buffer, "drv-a", streamId, producerId, epoch, 64));
    }

    void announceB(final int streamId, final int producerId, final long epoch)
    {
        publish(bAnnounce, TestMessages.poolAnnounce(buffer, "drv-b", streamId, producerId, epoch, 64));
    }

    void declare(
        final Publication metadata, final int streamId, final int producerId, final long epoch, final String name,
        final Long id, final String... tags)
    {
        publish(metadata, TestMessages.sourceAnnounce(buffer, streamId, producerId, epoch, name));
        publish(metadata, TestMessages.declaration(buffer, streamId, id, tags));
    }

    DiscoveryResult query(final DiscoveryQuery query)
    {
        final DiscoveryResult[] holder = new DiscoveryResult[1];
        client.submit(query, (r) -> holder[0] = r);
        Await.until("discovery response to " + query, () -> null != holder[0], this::step);
        return holder[0];
    }

    /** Offer raw request bytes from {@link #buffer}, then drive the provider until it has decoded them. */
    void sendRaw(final int length)
    {
        final long before = requestEvents();
        Await.until("raw request offered", () -> rawRequests.offer(buffer, 0, length) > 0);
        Await.until("provider processed raw request", () -> requestEvents() > before, this::step);
    }

    long requestEvents()
    {
        return provider.requestsReceived() + provider.requestsMalformed() + provider.requestStreamForeignSchema() +
            provider.requestsUnsupportedVersion();
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(client, provider, aeron, mediaDriver);
    }
}
