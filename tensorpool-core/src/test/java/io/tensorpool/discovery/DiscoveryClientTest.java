package io.tensorpool.discovery;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.tensorpool.codecs.discovery.DiscoveryRequestDecoder;
import io.tensorpool.codecs.discovery.DiscoveryResponseEncoder;
import io.tensorpool.codecs.discovery.DiscoveryStatus;
import io.tensorpool.testing.Await;
import io.tensorpool.testing.TestMediaDriver;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Client-side rules of Discovery §5.2 and §10 against a hand-driven fake provider. */
class DiscoveryClientTest
{
    private static final String CHANNEL = "aeron:ipc";
    private static final int REQUEST_STREAM = 4500;
    private static final int RESPONSE_STREAM = 4600;

    private TestMediaDriver mediaDriver;
    private Aeron aeron;
    private DiscoveryClient client;
    private Subscription requests;
    private Publication responses;
    private final List<Long> requestIds = new ArrayList<>();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();

    @BeforeEach
    void setUp()
    {
        mediaDriver = TestMediaDriver.launch();
        aeron = mediaDriver.connect();
        client = DiscoveryClient.connect(new DiscoveryClient.Context()
            .aeron(aeron)
            .requestChannel(CHANNEL)
            .requestStreamId(REQUEST_STREAM)
            .responseChannel(CHANNEL)
            .responseStreamId(RESPONSE_STREAM)
            .requestTimeoutNs(TimeUnit.SECONDS.toNanos(20)));
        requests = aeron.addSubscription(CHANNEL, REQUEST_STREAM);
        responses = aeron.addPublication(CHANNEL, RESPONSE_STREAM);
        Await.until("response publication connected", responses::isConnected);
    }

    @AfterEach
    void tearDown()
    {
        CloseHelper.closeAll(client, requests, responses, aeron, mediaDriver);
    }

    private void step()
    {
        client.poll();
        requests.poll((b, o, l, h) ->
        {
            final DiscoveryRequestDecoder d = new DiscoveryRequestDecoder().wrap(b, o + 8, 32, 1);
            requestIds.add(d.requestId());
        }, 10);
    }

    /** Submit, wait for the fake provider to see it, and return a holder for the outcome. */
    private DiscoveryResult[] submit(final DiscoveryQuery query, final long timeoutNs)
    {
        final DiscoveryResult[] holder = new DiscoveryResult[1];
        final int before = requestIds.size();
        final long id = client.submit(query, timeoutNs, (r) -> holder[0] = r);
        Await.until("request seen by provider", () -> requestIds.size() > before, this::step);
        assertEquals(id, requestIds.get(requestIds.size() - 1));
        return holder;
    }

    private void send(final DiscoveryResponseEncoder encoder)
    {
        final int length = 8 + encoder.encodedLength();
        Await.until("response offered", () -> responses.offer(buffer, 0, length) > 0);
    }

    private DiscoveryResult await(final DiscoveryResult[] holder)
    {
        Await.until("outcome delivered", () -> null != holder[0], this::step);
        return holder[0];
    }

    @Test
    void invalidResultsAreIgnoredAndCounted()
    {
        final DiscoveryResult[] holder = submit(DiscoveryQuery.all(), TimeUnit.SECONDS.toNanos(20));
        final DiscoveryResponseEncoder e = TestMessages.response(buffer, requestIds.get(0), DiscoveryStatus.OK);
        final DiscoveryResponseEncoder.ResultsEncoder results = e.resultsCount(4);
        TestMessages.result(results, 1, "aeron:ipc", 1000, 64, 64);
        TestMessages.result(results, 2, "", 1000, 64, 64);            // empty control channel
        TestMessages.result(results, 3, "aeron:ipc", 0, 64, 64);      // control stream id 0
        TestMessages.result(results, 4, "aeron:ipc", 1000, 64, 32);   // pool nslots mismatch
        e.errorMessage("");
        send(e);

        final DiscoveryResult result = await(holder);
        assertEquals(DiscoveryResult.Status.OK, result.status());
        assertEquals(1, result.streams().size());
        final DiscoveredStream s = result.streams().get(0);
        assertEquals(1, s.streamId());
        assertEquals("name-1", s.dataSourceName());
        assertEquals(Set.of("cam"), s.tags());
        assertEquals(3, result.ignoredResults());
        assertEquals(3, client.invalidResults());
    }

    @Test
    void responsesToUnknownRequestIdsAreDropped()
    {
        final DiscoveryResult[] holder = submit(DiscoveryQuery.all(), TimeUnit.SECONDS.toNanos(20));
        DiscoveryResponseEncoder e = TestMessages.response(buffer, requestIds.get(0) + 1000, DiscoveryStatus.OK);
        TestMessages.result(e.resultsCount(1), 1, "aeron:ipc", 1000, 64, 64);
        e.errorMessage("");
        send(e);
        e = TestMessages.response(buffer, requestIds.get(0), DiscoveryStatus.OK);
        e.resultsCount(0);
        e.errorMessage("");
        send(e);

        final DiscoveryResult result = await(holder);
        assertTrue(result.streams().isEmpty(), "the foreign response's result was not delivered");
        assertEquals(1, client.unknownRequestIds());

        // A second response to an answered request is unknown too.
        send(e);
        Await.until("duplicate counted", () -> client.unknownRequestIds() == 2, this::step);
    }

    @Test
    void notFoundIsOkWithNoResultsAndNonOkResultsAreIgnored()
    {
        DiscoveryResult[] holder = submit(DiscoveryQuery.byName("none"), TimeUnit.SECONDS.toNanos(20));
        DiscoveryResponseEncoder e = TestMessages.response(buffer, requestIds.get(0), DiscoveryStatus.NOT_FOUND);
        TestMessages.result(e.resultsCount(1), 1, "aeron:ipc", 1000, 64, 64);
        e.errorMessage("");
        send(e);
        DiscoveryResult result = await(holder);
        assertEquals(DiscoveryResult.Status.OK, result.status());
        assertTrue(result.wasNotFound());
        assertTrue(result.streams().isEmpty());
        assertEquals(1, result.ignoredResults());

        holder = submit(DiscoveryQuery.all(), TimeUnit.SECONDS.toNanos(20));
        e = TestMessages.response(buffer, requestIds.get(1), DiscoveryStatus.ERROR);
        final DiscoveryResponseEncoder.ResultsEncoder two = e.resultsCount(2);
        TestMessages.result(two, 1, "aeron:ipc", 1000, 64, 64);
        TestMessages.result(two, 2, "aeron:ipc", 1000, 64, 64);
        e.errorMessage("index unavailable");
        send(e);
        result = await(holder);
        assertEquals(DiscoveryResult.Status.ERROR, result.status());
        assertEquals("index unavailable", result.errorMessage());
        assertTrue(result.streams().isEmpty());
        assertEquals(3, client.ignoredNonOkResults());
    }

    @Test
    void malformedAndUnsupportedResponsesAreDroppedAndTheRequestTimesOut()
    {
        final DiscoveryResult[] holder = submit(DiscoveryQuery.all(), TimeUnit.MILLISECONDS.toNanos(300));
        DiscoveryResponseEncoder e = TestMessages.response(buffer, requestIds.get(0), DiscoveryStatus.OK);
        e.resultsCount(0);
        e.errorMessage("");
        buffer.putShort(6, (short)2);                    // version 2
        send(e);
        e = TestMessages.response(buffer, requestIds.get(0), DiscoveryStatus.OK);
        e.resultsCount(0);
        e.errorMessage("");
        buffer.putShort(0, (short)10);                   // wrong block length
        send(e);
        e = TestMessages.response(buffer, requestIds.get(0), DiscoveryStatus.OK);
        e.resultsCount(0);
        e.errorMessage("");
        buffer.putByte(8 + 8, (byte)7);                  // unknown status
        send(e);

        final DiscoveryResult result = await(holder);
        assertEquals(DiscoveryResult.Status.TIMED_OUT, result.status());
        assertEquals(1, client.unsupportedVersionResponses());
        assertEquals(2, client.malformedResponses());
        assertEquals(0, client.pendingCount());
    }

    @Test
    void requestWithoutProviderTimesOutSayingSo()
    {
        final DiscoveryResult result;
        try (DiscoveryClient lonely = DiscoveryClient.connect(new DiscoveryClient.Context()
            .aeron(aeron).requestChannel(CHANNEL).requestStreamId(4999).responseStreamId(4998)))
        {
            result = lonely.query(DiscoveryQuery.all(), TimeUnit.MILLISECONDS.toNanos(200));
        }
        assertEquals(DiscoveryResult.Status.TIMED_OUT, result.status());
        assertTrue(result.errorMessage().startsWith("request not delivered: no discovery provider connected"),
            result.errorMessage());
    }

    @Test
    void resultHelpersFilterAndKeepTheLatestEpoch()
    {
        final DiscoveredStream old = stream(1, "drv", 3, "a", Set.of("x"));
        final DiscoveredStream newer = stream(1, "drv", 4, "a", Set.of("x", "y"));
        final DiscoveredStream other = stream(1, "drv2", 1, "b", Set.of("y"));
        final DiscoveryResult result = new DiscoveryResult(1, DiscoveryResult.Status.OK, false, "",
            List.of(old, other, newer), 0);
        assertEquals(List.of(newer, other), result.latestPerStream());
        assertEquals(List.of(other, newer), result.streams(DiscoveryQuery.byTags("y")));
        assertEquals(List.of(old, newer), result.streams(DiscoveryQuery.byName("a")));
    }

    @Test
    void queryBuilderRejectsWhatAProviderWould()
    {
        assertThrows(IllegalArgumentException.class, () -> DiscoveryQuery.byName("n".repeat(257)));
        assertThrows(IllegalArgumentException.class, () -> DiscoveryQuery.byTags(""));
        assertThrows(IllegalArgumentException.class, () -> DiscoveryQuery.byName("caf\u20AC"));
        assertThrows(IllegalArgumentException.class, () -> DiscoveryQuery.byStreamId(-1));
        assertEquals(Set.of("a", "b"), DiscoveryQuery.byTags("a", "b", "a").tags());
        assertThrows(IllegalArgumentException.class, () -> new DiscoveryClient.Context()
            .aeron(aeron).responseStreamId(0).conclude());
        assertThrows(IllegalArgumentException.class, () -> new DiscoveryClient.Context()
            .aeron(aeron).responseChannel("").conclude());
    }

    private static DiscoveredStream stream(
        final int streamId, final String driver, final long epoch, final String name, final Set<String> tags)
    {
        return new DiscoveredStream(streamId, 1, epoch, 1, "h", 8, 256, 8, List.of(), DiscoveryQuery.NULL_U64, name,
            tags, driver, "aeron:ipc", 1000);
    }
}
