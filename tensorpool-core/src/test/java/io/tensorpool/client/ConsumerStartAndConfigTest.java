package io.tensorpool.client;

import io.aeron.Publication;
import io.tensorpool.codecs.wire.Mode;
import io.tensorpool.control.DefaultEndpoints;
import io.tensorpool.control.WireMessageEncoder;
import io.tensorpool.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ConsumerStartAndConfigTest
{
    private final ClientRig rig = new ClientRig();

    @AfterEach
    void close()
    {
        rig.close();
    }

    @Test
    void earliestInRingDeliversFramesPublishedBeforeTheConsumerMappedThenReplayResumesAfterASeq()
    {
        final TensorPoolProducer producer = rig.producer(rig.producerContext(11));
        EpochAndDropsTest.publish(producer, 10);
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(11)
            .startPosition(TensorPoolConsumer.StartPosition.EARLIEST_IN_RING));
        final List<long[]> got = new ArrayList<>();
        final FrameHandler handler = frame -> got.add(ProducerConsumerRoundTripTest.checkFrame(frame));
        rig.await("ring replayed", () -> got.size() == 10, () -> consumer.poll(handler, 10));
        for (int i = 0; i < 10; i++)
        {
            assertEquals(i, got.get(i)[0]);
        }
        EpochAndDropsTest.publish(producer, 2);
        rig.await("live frames after replay", () -> got.size() == 12, () -> consumer.poll(handler, 10));
        assertEquals(11, got.get(11)[0]);

        final List<long[]> resumed = new ArrayList<>();
        assertEquals(0, consumer.replayRing(11, frame -> resumed.add(ProducerConsumerRoundTripTest.checkFrame(frame))));
        final TensorPoolConsumer restored = rig.consumer(rig.consumerContext(11));
        rig.await("second consumer mapped", () -> restored.state() == TensorPoolConsumer.State.MAPPED,
            () -> restored.poll(handler, 10));
        assertEquals(6, restored.replayRing(5, frame -> resumed.add(ProducerConsumerRoundTripTest.checkFrame(frame))));
        assertEquals(6, resumed.get(0)[0]);
        assertEquals(11, resumed.get(5)[0]);
    }

    @Test
    void consumerConfigWithoutShmMovesToFallbackAndBack()
    {
        final TensorPoolProducer producer = rig.producer(rig.producerContext(12));
        final List<String> told = new ArrayList<>();
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(12).consumerId(4242)
            .fallbackListener(new FallbackListener()
            {
                @Override
                public void onFallback(final int streamId, final String uri, final PayloadFallback kind)
                {
                    told.add("fallback " + streamId + " " + uri + " " + kind);
                }

                @Override
                public void onShmAllowed(final int streamId)
                {
                    told.add("shm " + streamId);
                }
            }));
        final FrameHandler handler = frame -> { };
        rig.await("mapped", () -> consumer.state() == TensorPoolConsumer.State.MAPPED, () -> consumer.poll(handler, 1));
        final Publication control = rig.aeron.addPublication(DefaultEndpoints.CONTROL_CHANNEL,
            DefaultEndpoints.CONTROL_STREAM_ID);
        final WireMessageEncoder encoder = new WireMessageEncoder();
        final int length = encoder.consumerConfig(12, 4242, false, Mode.STREAM, 0, 0, "bridge://7", "", "");
        Await.until("offer", () -> control.offer(encoder.buffer(), 0, length) > 0);
        rig.await("fallback", () -> consumer.state() == TensorPoolConsumer.State.FALLBACK,
            () -> consumer.poll(handler, 1));
        assertEquals("bridge://7", consumer.fallbackUri());
        assertEquals(PayloadFallback.BRIDGE, consumer.fallbackKind());
        assertEquals(List.of("fallback 12 bridge://7 BRIDGE"), told);
        assertNull(consumer.mappedLayout(), "unmapped in fallback");
        final long announcesBefore = consumer.remaps();
        rig.await("stays in fallback while announces arrive", () -> consumer.remaps() == announcesBefore &&
            consumer.state() == TensorPoolConsumer.State.FALLBACK && producer.consumerCount() == 1,
            () -> consumer.poll(handler, 1));
        final int back = encoder.consumerConfig(12, 4242, true, Mode.STREAM, 0, 0, "", "", "");
        Await.until("offer", () -> control.offer(encoder.buffer(), 0, back) > 0);
        rig.await("mapped again", () -> consumer.state() == TensorPoolConsumer.State.MAPPED,
            () -> consumer.poll(handler, 1));
        assertEquals("", consumer.fallbackUri());
        assertEquals(List.of("fallback 12 bridge://7 BRIDGE", "shm 12"), told);
        assertEquals(0, consumer.fallbackUnsupported());
        assertTrue(producer.isReady());
    }

    @Test
    void fallbackUrisAreClassifiedAndUndefinedSchemesAreUnsupported()
    {
        assertEquals(PayloadFallback.NONE, PayloadFallback.of(""));
        assertEquals(PayloadFallback.AERON, PayloadFallback.of("aeron:udp?endpoint=10.0.0.2:40123"));
        assertEquals(PayloadFallback.AERON, PayloadFallback.of("aeron:ipc"));
        assertEquals(PayloadFallback.BRIDGE, PayloadFallback.of("bridge://camera-7"));
        assertEquals(PayloadFallback.UNSUPPORTED, PayloadFallback.of("bridge://"));
        assertEquals(PayloadFallback.UNSUPPORTED, PayloadFallback.of("bridge://a/b"));
        assertEquals(PayloadFallback.UNSUPPORTED, PayloadFallback.of("aeron:tcp?endpoint=x"));
        assertEquals(PayloadFallback.UNSUPPORTED, PayloadFallback.of("http://host/frames"));
        assertEquals(PayloadFallback.UNSUPPORTED, PayloadFallback.of("aeron:udp?endpoint"));
    }

    @Test
    void invalidConfigurationIsRejectedWithTheSettingNamed()
    {
        final IllegalArgumentException noStream = assertThrows(IllegalArgumentException.class,
            () -> new TensorPoolConsumer.Context().aeron(rig.aeron).conclude());
        assertTrue(noStream.getMessage().contains("streamId"));
        final IllegalArgumentException halfRequest = assertThrows(IllegalArgumentException.class,
            () -> new TensorPoolConsumer.Context().aeron(rig.aeron).streamId(1)
                .requestDescriptorStream("aeron:ipc", 0).conclude());
        assertTrue(halfRequest.getMessage().contains("aeron:ipc"));
        final IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
            () -> new TensorPoolConsumer.Context().aeron(rig.aeron).streamId(1)
                .mode(TensorPoolConsumer.ConsumerMode.RATE_LIMITED).conclude());
        assertTrue(rate.getMessage().contains("maxRateHz"));
        final IllegalArgumentException nslots = assertThrows(IllegalArgumentException.class,
            () -> rig.producerContext(1).headerNslots(100).conclude());
        assertTrue(nslots.getMessage().contains("100"));
        final IllegalArgumentException relative = assertThrows(IllegalArgumentException.class,
            () -> rig.producerContext(1).shmBaseDir(Paths.get("relative")).conclude());
        assertTrue(relative.getMessage().contains("relative"));
        final IllegalArgumentException stale = assertThrows(IllegalArgumentException.class,
            () -> rig.producerContext(1).consumerStaleMultiplier(9).conclude());
        assertTrue(stale.getMessage().contains("9"));
    }

    @Test
    void producerRequiringHugepagesRefusesToStartOnTmpfsAndLeavesNothingBehind() throws Exception
    {
        final io.tensorpool.shm.ShmValidationException ex = assertThrows(
            io.tensorpool.shm.ShmValidationException.class,
            () -> rig.producer(rig.producerContext(7).requireHugepages(true).producerInstanceId("huge")));
        assertTrue(ex.getMessage().contains("not hugetlbfs"), ex.getMessage());
        assertTrue(ex.getMessage().contains(rig.baseDir.toString()), ex.getMessage());
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(rig.baseDir))
        {
            assertEquals(0, files.filter(java.nio.file.Files::isRegularFile).count(), "no region file is left");
        }
    }
}
