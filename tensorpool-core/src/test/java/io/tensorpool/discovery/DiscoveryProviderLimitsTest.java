package io.tensorpool.discovery;

import io.aeron.Subscription;
import io.tensorpool.codecs.discovery.DiscoveryResponseDecoder;
import io.tensorpool.codecs.discovery.DiscoveryStatus;
import io.tensorpool.testing.Await;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.tensorpool.discovery.DiscoveryHarness.*;
import static org.junit.jupiter.api.Assertions.*;

/** Result cap, response size, response endpoint cache and context validation of the provider. */
class DiscoveryProviderLimitsTest
{
    @Test
    void moreMatchesThanTheCapAnswerErrorNotATruncatedList()
    {
        try (DiscoveryHarness h = new DiscoveryHarness((ctx) -> ctx.maxResults(2)))
        {
            h.announceA(1, 1, 1);
            h.announceA(2, 1, 1);
            assertEquals(2, h.query(DiscoveryQuery.all()).streams().size());
            h.announceB(3, 1, 1);
            final DiscoveryResult result = h.query(DiscoveryQuery.all());
            assertEquals(DiscoveryResult.Status.ERROR, result.status());
            assertEquals("3 streams match, more than the limit of 2; narrow the filter", result.errorMessage());
            assertTrue(result.streams().isEmpty());
            assertEquals(1, h.query(DiscoveryQuery.byStreamId(3)).streams().size(), "a narrower query still works");
        }
    }

    @Test
    void responseLargerThanTheResponseChannelCarriesAnswersError()
    {
        try (DiscoveryHarness h = new DiscoveryHarness((ctx) -> {}))
        {
            for (int i = 0; i < 40; i++)
            {
                h.announceA(100 + i, 1, 1);
            }
            // IPC term length 64 KiB: max message 8 KiB; 40 results of ~400 bytes do not fit.
            final String small = "aeron:ipc?term-length=64k";
            final List<byte[]> received = new ArrayList<>();
            try (Subscription sub = h.aeron.addSubscription(small, 2800))
            {
                h.sendRaw(TestMessages.request(h.buffer, 9, small, 2800, ""));
                Await.until("response on the small channel", () -> !received.isEmpty(), () ->
                {
                    h.step();
                    sub.poll((b, o, l, hd) ->
                    {
                        final byte[] bytes = new byte[l];
                        b.getBytes(o, bytes);
                        received.add(bytes);
                    }, 10);
                });
            }
            final DiscoveryResponseDecoder d = new DiscoveryResponseDecoder()
                .wrap(new UnsafeBuffer(received.get(0)), 8, 9, 1);
            assertEquals(9, d.requestId());
            assertEquals(DiscoveryStatus.ERROR, d.status());
            assertEquals(0, d.results().count());
            final String message = d.errorMessage();
            assertTrue(message.contains("exceeds the response channel's max message length 8192"), message);
            assertEquals(40, h.query(DiscoveryQuery.all()).streams().size(), "fits the default response channel");
        }
    }

    @Test
    void responseEndpointsAreBoundedAndClosedWhenIdle()
    {
        try (DiscoveryHarness h = new DiscoveryHarness((ctx) -> ctx
            .maxResponseEndpoints(2)
            .responseEndpointIdleTimeoutNs(5_000_000_000L)))
        {
            h.announceA(10, 1, 1);
            final List<Subscription> subs = new ArrayList<>();
            final int[] answered = new int[1];
            try
            {
                for (int i = 0; i < 4; i++)
                {
                    subs.add(h.aeron.addSubscription(CHANNEL, 2900 + i));
                }
                for (int i = 0; i < 4; i++)
                {
                    final Subscription sub = subs.get(i);
                    final int before = answered[0];
                    h.sendRaw(TestMessages.request(h.buffer, 100 + i, CHANNEL, 2900 + i, ""));
                    Await.until("answered on " + (2900 + i), () -> answered[0] > before, () ->
                    {
                        h.step();
                        answered[0] += sub.poll((b, o, l, hd) -> {}, 10);
                    });
                    assertTrue(h.provider.responseEndpointCount() <= 2, "cache bound");
                }
            }
            finally
            {
                subs.forEach(Subscription::close);
            }
            assertEquals(4, h.provider.responsesSent());
            h.clock.advance(6_000_000_000L);
            Await.until("idle endpoints closed", () -> h.provider.responseEndpointCount() <= 1, h::step);
        }
    }

    @Test
    void contextRejectsFeedsThatWouldMixDrivers()
    {
        try (DiscoveryHarness h = new DiscoveryHarness((ctx) -> {}))
        {
            final IllegalArgumentException shared = assertThrows(IllegalArgumentException.class, () ->
                new DiscoveryProvider.Context().aeron(h.aeron)
                    .addFeed(new DriverFeed("x", "aeron:ipc", 1, "aeron:ipc", 5, null, 0))
                    .addFeed(new DriverFeed("y", "aeron:ipc", 1, "aeron:ipc", 5, null, 0))
                    .conclude());
            assertTrue(shared.getMessage().contains("share the announce endpoint"), shared.getMessage());
            assertThrows(IllegalArgumentException.class, () ->
                new DiscoveryProvider.Context().aeron(h.aeron)
                    .addFeed(new DriverFeed("x", "aeron:ipc", 1, "aeron:ipc", 5, null, 0))
                    .addFeed(new DriverFeed("x", "aeron:ipc", 1, "aeron:ipc", 6, null, 0))
                    .conclude());
            assertThrows(IllegalArgumentException.class, () -> new DiscoveryProvider.Context().aeron(h.aeron)
                .conclude());
            assertThrows(IllegalArgumentException.class, () -> new DriverFeed("x", "aeron:ipc", 0, "aeron:ipc", 5,
                null, 0));
        }
    }

    @Test
    void driverFeedSpecParsesWithDefaultsAndNamesBadInput()
    {
        final DriverFeed feed = DriverFeed.parse(
            "instance=host-a;control=aeron:udp?endpoint=host-a:40100|mtu=8k;announce-stream=1001;metadata=none");
        assertEquals("host-a", feed.driverInstanceId());
        assertEquals("aeron:udp?endpoint=host-a:40100|mtu=8k", feed.controlChannel());
        assertEquals(1000, feed.controlStreamId());
        assertEquals(feed.controlChannel(), feed.announceChannel());
        assertEquals(1001, feed.announceStreamId());
        assertNull(feed.metadataChannel());

        assertEquals(DriverFeed.local("d"), DriverFeed.parse("instance=d"));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> DriverFeed.parse("instance=d;colour=blue"));
        assertTrue(ex.getMessage().contains("colour"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DriverFeed.parse("control=aeron:ipc"));
        assertThrows(IllegalArgumentException.class, () -> DriverFeed.parse("instance=d;control-stream=x"));
    }
}
