package io.tensorpool.client;

import io.aeron.Publication;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MessageHeaderEncoder;
import io.tensorpool.control.DefaultEndpoints;
import io.tensorpool.control.WireMessageEncoder;
import io.tensorpool.control.WirePoller;
import io.tensorpool.shm.MappedRegion;
import io.tensorpool.shm.StreamLayout;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.shm.StreamRegions;
import io.tensorpool.testing.Await;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class AnnounceAndMalformedTest
{
    private static final int STREAM = 31;

    private final ClientRig rig = new ClientRig();
    private final WireMessageEncoder encoder = new WireMessageEncoder();

    @AfterEach
    void close()
    {
        rig.close();
    }

    @Test
    void staleAnnouncesBeforeJoinAndOlderEpochsAreIgnored()
    {
        final long now = System.nanoTime();
        try (StreamRegions epoch5 = create(5, now); StreamRegions epoch3 = create(3, now))
        {
            final StreamLayout layout5 = StreamRegionFiles.layoutOf(epoch5, false);
            final StreamLayout layout3 = StreamRegionFiles.layoutOf(epoch3, false);
            final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(STREAM)
                .announceFreshnessWindowNs(3_000_000_000L));
            final long joinedAfter = consumer.joinTimeNs();
            final Publication control = rig.aeron.addPublication(DefaultEndpoints.CONTROL_CHANNEL,
                DefaultEndpoints.CONTROL_STREAM_ID);
            final FrameHandler handler = frame -> { };
            Await.until("control connected", control::isConnected, () -> consumer.poll(handler, 1));

            offer(control, encoder.shmPoolAnnounce(layout5, 1, System.nanoTime() - 10_000_000_000L));
            Await.until("stale announce seen", () -> consumer.announcesStale() == 1, () -> consumer.poll(handler, 1));
            offer(control, encoder.shmPoolAnnounce(layout5, 1, joinedAfter - 1_000));
            Await.until("before-join announce seen", () -> consumer.announcesBeforeJoin() == 1,
                () -> consumer.poll(handler, 1));
            assertEquals(TensorPoolConsumer.State.UNMAPPED, consumer.state());

            offer(control, encoder.shmPoolAnnounce(layout5, 1, System.nanoTime()));
            Await.until("mapped epoch 5", () -> consumer.state() == TensorPoolConsumer.State.MAPPED,
                () -> consumer.poll(handler, 1));
            assertEquals(5, consumer.epoch());

            offer(control, encoder.shmPoolAnnounce(layout3, 1, System.nanoTime()));
            Await.until("older epoch ignored", () -> consumer.announcesOlderEpoch() == 1,
                () -> consumer.poll(handler, 1));
            assertEquals(5, consumer.epoch());
            assertEquals(0, consumer.mapFailures());
        }
    }

    @Test
    void announcedRegionsOutsideTheAllowedDirectoriesAreNotMapped()
    {
        final TensorPoolProducer producer = rig.producer(rig.producerContext(STREAM));
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(STREAM)
            .allowedBaseDirs(List.of(java.nio.file.Paths.get("/tmp"))));
        final FrameHandler handler = frame -> { };
        rig.await("map refused", () -> consumer.mapFailures() > 0, () -> consumer.poll(handler, 1));
        assertEquals(TensorPoolConsumer.State.UNMAPPED, consumer.state());
        assertTrue(producer.isReady());
    }

    @Test
    void consumerStartedBeforeItsBaseDirectoryExistsMapsOnceTheProducerCreatesIt()
    {
        final java.nio.file.Path later = rig.baseDir.resolve("created-later");
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(STREAM).allowedBaseDirs(List.of(later)));
        final FrameHandler handler = frame -> { };
        consumer.poll(handler, 1);
        rig.producer(rig.producerContext(STREAM).shmBaseDir(later));
        rig.await("mapped", () -> consumer.state() == TensorPoolConsumer.State.MAPPED, () -> consumer.poll(handler, 1));
    }

    @Test
    void malformedAndForeignFragmentsOnEveryStreamAreCountedAndSkipped()
    {
        final TensorPoolProducer producer = rig.producer(rig.producerContext(STREAM));
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(STREAM));
        final List<long[]> got = new ArrayList<>();
        final FrameHandler handler = frame -> got.add(ProducerConsumerRoundTripTest.checkFrame(frame));
        rig.await("mapped", () -> consumer.state() == TensorPoolConsumer.State.MAPPED,
            () -> consumer.poll(handler, 10));

        final int[] streams = {DefaultEndpoints.CONTROL_STREAM_ID, DefaultEndpoints.DESCRIPTOR_STREAM_ID,
            DefaultEndpoints.QOS_STREAM_ID, DefaultEndpoints.METADATA_STREAM_ID};
        final List<Publication> pubs = new ArrayList<>();
        for (final int id : streams)
        {
            final Publication pub = rig.aeron.addPublication("aeron:ipc?term-length=4m", id);
            pubs.add(pub);
            rig.await("connected " + id, pub::isConnected, () -> consumer.poll(handler, 10));
        }
        for (final Publication pub : pubs)
        {
            sendGarbage(pub);
        }
        // a good frame after the garbage still arrives
        EpochAndDropsTest.publish(producer, 1);
        rig.await("frame after garbage", () -> got.size() == 1, () -> consumer.poll(handler, 10));

        final List<WirePoller> all = new ArrayList<>(consumer.pollers());
        all.addAll(producer.pollers());
        rig.await("every poller counted the garbage", () ->
        {
            for (final WirePoller poller : all)
            {
                if (poller.malformedCount() < 4 || poller.foreignSchemaCount() < 1 ||
                    poller.unknownTemplateCount() < 1 || poller.unsupportedVersionCount() < 1)
                {
                    return false;
                }
            }
            return true;
        }, () -> consumer.poll(handler, 10));
        assertEquals(5, all.size(), "consumer: control, descriptor, metadata; producer: control, qos");
        assertEquals(0, consumer.dropsInvalid());
        assertEquals(1, consumer.framesReceived());
        assertTrue(consumer.malformedFragments() >= 12);
        assertTrue(consumer.foreignFragments() >= 3);
    }

    /** Five bad fragments: short, foreign schema, bad version, unknown template, and four malformed v1 messages. */
    private void sendGarbage(final Publication pub)
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[256]);
        offer(pub, b, 4); // shorter than a message header

        header(b, 36, 4, 901, 1); // driver schema: foreign
        offer(pub, b, 8 + 36);

        header(b, 36, 4, 900, 7); // unsupported version
        offer(pub, b, 8 + 36);

        header(b, 8, 99, 900, 1); // unknown template
        offer(pub, b, 16);

        header(b, 40, 4, 900, 1); // FrameDescriptor with a v1.2-style block length
        offer(pub, b, 8 + 40);

        header(b, 36, 4, 900, 1); // FrameDescriptor cut short
        offer(pub, b, 8 + 20);

        // ShmPoolAnnounce whose header URI length runs past the fragment
        final int length = encoder.shmPoolAnnounce(new StreamLayout(STREAM, 1, 1, 16, "shm:file?path=/x",
            List.of(new io.tensorpool.shm.PoolDescriptor(1, 16, 4096, "shm:file?path=/y"))), 1, System.nanoTime());
        final UnsafeBuffer announce = new UnsafeBuffer(new byte[length]);
        announce.putBytes(0, encoder.buffer(), 0, length);
        offer(pub, announce, length - 5);

        // DataSourceMeta claiming 1000 attributes
        final int metaLength = encoder.dataSourceMeta(STREAM, 1, 1, List.of("k"), List.of("f"), List.of(new byte[1]));
        final UnsafeBuffer meta = new UnsafeBuffer(new byte[metaLength]);
        meta.putBytes(0, encoder.buffer(), 0, metaLength);
        meta.putShort(8 + 16 + 2, (short)1000);
        offer(pub, meta, metaLength);
    }

    private static void header(final UnsafeBuffer b, final int blockLength, final int templateId, final int schemaId,
        final int version)
    {
        new MessageHeaderEncoder().wrap(b, 0).blockLength(blockLength).templateId(templateId).schemaId(schemaId)
            .version(version);
    }

    private StreamRegions create(final long epoch, final long now)
    {
        return StreamRegionFiles.create(rig.baseDir, "ns", "crafted", STREAM, epoch, 16, new int[]{1},
            new int[]{4096}, MappedRegion.PRIVATE_FILE_MODE, false, now);
    }

    private void offer(final Publication pub, final int length)
    {
        offer(pub, encoder.buffer(), length);
    }

    private static void offer(final Publication pub, final org.agrona.DirectBuffer buffer, final int length)
    {
        Await.until("offer", () -> pub.offer(buffer, 0, length) > 0);
    }
}
