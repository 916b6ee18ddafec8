package io.tensorpool.flink.source.reader;

import io.tensorpool.flink.source.AttachMode;
import io.tensorpool.flink.source.StartingPosition;
import io.tensorpool.flink.source.StreamSelector;
import io.tensorpool.flink.source.TensorPoolSourceOptions;
import io.tensorpool.flink.source.enumerator.ClientStreamDiscoverer;
import io.tensorpool.flink.source.enumerator.DiscoveredStream;
import io.tensorpool.flink.source.enumerator.StreamDiscoverer;
import io.tensorpool.flink.source.split.TensorPoolSplit;
import io.tensorpool.flink.source.testing.ProducerRig;
import io.tensorpool.testing.Await;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connector's production transport against a real driver: discovery through the driver's embedded provider
 * reports each stream with its name, tags and owning driver; a consumer attached through the driver delivers the
 * frames of the ring, then live ones, with their committed bytes.
 */
class ClientTransportTest
{
    private static final String HOST = "transport-host";
    private ProducerRig rig;

    @BeforeEach
    void setUp()
    {
        rig = new ProducerRig();
        rig.startDriver(HOST, 64);
    }

    @AfterEach
    void tearDown()
    {
        rig.close();
    }

    @Test
    void discoversThroughTheDriverAndReadsThroughALease() throws Exception
    {
        final ProducerRig.ProducerThread p10601 = rig.startAttached(10601, 20, 4096, 1_000_000L);
        rig.startAttached(10602, 0, 4096, 1_000_000L);
        final Configuration config = new Configuration();
        config.set(TensorPoolSourceOptions.AERON_DIRECTORY, rig.aeronDirectoryName());
        config.set(TensorPoolSourceOptions.ALLOWED_BASE_DIRS, List.of(rig.baseDir().toString()));
        config.set(TensorPoolSourceOptions.ATTACH_MODE, AttachMode.DRIVER);

        final List<DiscoveredStream> found = new ArrayList<>();
        try (StreamDiscoverer discoverer = ClientStreamDiscoverer.factory(
            config, StreamSelector.of(Set.of(), null, List.of("rig"))).create())
        {
            // discovery is soft state: a stream's name (DataSourceAnnounce) may be indexed a little after its tags (Meta)
            Await.until("both streams discovered with their names", Duration.ofSeconds(60),
                () -> found.size() == 2 && found.stream().noneMatch(s -> s.name().isEmpty()), () ->
            {
                try
                {
                    found.clear();
                    found.addAll(discoverer.discover());
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
        }
        final DiscoveredStream stream = found.stream().filter(s -> s.streamId() == 10601).findFirst().orElseThrow();
        assertEquals(HOST, stream.driverInstanceId());
        assertEquals("rig-10601", stream.name());
        assertTrue(stream.tags().contains("rig"), stream.toString());

        try (TensorPoolConnection connection = ClientConnection.factory().connect(config))
        {
            final FrameSource source = connection.open(
                TensorPoolSplit.fresh(10601, HOST, stream.driver()), StartingPosition.EARLIEST_IN_RING);
            final List<Long> seqs = new ArrayList<>();
            Await.until("20 frames", Duration.ofSeconds(60), () -> seqs.size() >= 20, () -> source.poll(frame ->
            {
                for (int i = 0; i < frame.valuesLength(); i += 511)
                {
                    assertEquals(ProducerRig.payloadByte(10601, frame.epoch(), frame.seq(), i),
                        frame.payload().getByte(i));
                }
                if (frame.stillCommitted())
                {
                    seqs.add(frame.seq());
                }
            }, 8));
            assertEquals(0L, seqs.get(0));
            assertEquals(19L, seqs.get(19));
            source.close();
        }
    }
}
