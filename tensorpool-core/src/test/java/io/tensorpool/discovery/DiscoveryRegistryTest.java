package io.tensorpool.discovery;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.tensorpool.control.DefaultEndpoints;
import io.tensorpool.testing.Await;
import io.tensorpool.testing.TestMediaDriver;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The two deployments of Discovery §2.2 on real threads and the real clock: a standalone registry aggregating two
 * drivers, and a provider embedded in a driver's agent on the default endpoints.
 */
class DiscoveryRegistryTest
{
    private static Set<String> keys(final DiscoveryResult result)
    {
        if (null == result)
        {
            return Set.of();
        }
        return result.streams().stream().map((s) -> s.driverInstanceId() + ":" + s.streamId())
            .collect(Collectors.toSet());
    }

    private static void offer(final Publication publication, final ExpandableArrayBuffer buffer, final int length)
    {
        Await.until("offer on " + publication.streamId(), () -> publication.offer(buffer, 0, length) > 0);
    }

    @Test
    void registryAggregatesTwoDriversAndExpiresOneThatFallsSilent()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        try (TestMediaDriver mediaDriver = TestMediaDriver.launch();
            Aeron aeron = mediaDriver.connect();
            Publication a = aeron.addPublication("aeron:ipc", 5001);
            Publication aMeta = aeron.addPublication("aeron:ipc", 5002);
            Publication b = aeron.addPublication("aeron:ipc", 6001);
            DiscoveryRegistry registry = DiscoveryRegistry.launch(new DiscoveryRegistry.Context()
                .idleStrategy(new YieldingIdleStrategy())
                .providerContext(new DiscoveryProvider.Context()
                    .aeron(aeron)
                    .requestChannel("aeron:ipc")
                    .requestStreamId(5500)
                    .announcePeriodNs(TimeUnit.MILLISECONDS.toNanos(100))
                    .addFeed(DriverFeed.parse("instance=host-a;control=aeron:ipc;control-stream=1000;" +
                        "announce=aeron:ipc;announce-stream=5001;metadata=aeron:ipc;metadata-stream=5002"))
                    .addFeed(DriverFeed.parse("instance=host-b;control=aeron:udp?endpoint=host-b:40100;" +
                        "announce=aeron:ipc;announce-stream=6001;metadata=none"))));
            DiscoveryClient client = DiscoveryClient.connect(new DiscoveryClient.Context()
                .aeron(aeron).requestChannel("aeron:ipc").requestStreamId(5500).responseStreamId(5600)))
        {
            Await.until("registry subscribed", () -> a.isConnected() && aMeta.isConnected() && b.isConnected());
            offer(aMeta, buffer, TestMessages.sourceAnnounce(buffer, 7, 1, 3, "imu"));
            offer(aMeta, buffer, TestMessages.declaration(buffer, 7, 70L, "imu", "Lab"));

            final DiscoveryResult[] last = new DiscoveryResult[1];
            Await.until("both drivers visible", () -> keys(last[0]).equals(Set.of("host-a:7", "host-b:8")), () ->
            {
                offer(a, buffer, TestMessages.poolAnnounce(buffer, "host-a", 7, 1, 3, 16));
                offer(b, buffer, TestMessages.poolAnnounce(buffer, "host-b", 8, 2, 4, 16));
                last[0] = client.query(DiscoveryQuery.all());
            });
            final DiscoveredStream imu = client.query(DiscoveryQuery.byTags("Lab")).streams().get(0);
            assertEquals("imu", imu.dataSourceName());
            assertEquals(70L, imu.dataSourceId().getAsLong());
            assertEquals("aeron:ipc", imu.driverControlChannel());
            final DiscoveredStream b8 = client.query(DiscoveryQuery.byStreamId(8)).streams().get(0);
            assertEquals("aeron:udp?endpoint=host-b:40100", b8.driverControlChannel());
            assertEquals(1000, b8.driverControlStreamId());

            // host-b falls silent; host-a keeps announcing: host-b expires after 3 periods.
            Await.until("host-b expired", () -> keys(last[0]).equals(Set.of("host-a:7")), () ->
            {
                offer(a, buffer, TestMessages.poolAnnounce(buffer, "host-a", 7, 1, 3, 16));
                last[0] = client.query(DiscoveryQuery.all());
            });
            assertTrue(registry.provider().responsesSent() >= 4);
        }
    }

    @Test
    void providerEmbedsInADriverAgentOnTheDefaultEndpoints()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final AtomicLong driverDutyCycles = new AtomicLong();
        final Agent driverAgent = new Agent()
        {
            public int doWork()
            {
                driverDutyCycles.incrementAndGet();
                return 0;
            }

            public String roleName()
            {
                return "fake-shm-driver";
            }
        };
        try (TestMediaDriver mediaDriver = TestMediaDriver.launch();
            Aeron aeron = mediaDriver.connect();
            Publication control = aeron.addPublication(DefaultEndpoints.CONTROL_CHANNEL,
                DefaultEndpoints.CONTROL_STREAM_ID);
            Publication metadata = aeron.addPublication(DefaultEndpoints.METADATA_CHANNEL,
                DefaultEndpoints.METADATA_STREAM_ID))
        {
            final DiscoveryProvider provider = new DiscoveryProvider(new DiscoveryProvider.Context()
                .aeron(aeron)
                .addFeed(DriverFeed.local("driver-01")));
            final AgentRunner runner = new AgentRunner(new YieldingIdleStrategy(), Throwable::printStackTrace, null,
                new CompositeAgent(driverAgent, provider));
            AgentRunner.startOnThread(runner);
            try (DiscoveryClient client = DiscoveryClient.connect(new DiscoveryClient.Context().aeron(aeron)))
            {
                Await.until("provider subscribed", () -> control.isConnected() && metadata.isConnected());
                offer(metadata, buffer, TestMessages.sourceAnnounce(buffer, 42, 9, 1, "camera-front"));
                offer(metadata, buffer, TestMessages.declaration(buffer, 42, null, "rgb"));
                final DiscoveryResult[] last = new DiscoveryResult[1];
                Await.until("stream visible", Duration.ofSeconds(30),
                    () -> null != last[0] && last[0].streams().size() == 1, () ->
                    {
                        offer(control, buffer, TestMessages.poolAnnounce(buffer, "driver-01", 42, 9, 1, 16));
                        last[0] = client.query(DiscoveryQuery.byName("camera-front"));
                    });
                final DiscoveredStream s = last[0].streams().get(0);
                assertEquals("driver-01", s.driverInstanceId());
                assertEquals(DefaultEndpoints.CONTROL_CHANNEL, s.driverControlChannel());
                assertEquals(DefaultEndpoints.CONTROL_STREAM_ID, s.driverControlStreamId());
                assertEquals(Set.of("rgb"), s.tags());
                assertTrue(driverDutyCycles.get() > 0, "the driver's own agent kept running");
                assertTrue(provider.requestStreamForeignSchema() > 0,
                    "announces on the shared control stream were skipped by the request handler");
            }
            finally
            {
                CloseHelper.close(runner);
            }
        }
    }
}
