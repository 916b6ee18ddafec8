package io.tensorpool.shm;

import io.tensorpool.codecs.wire.Dtype;
import org.junit.jupiter.api.Test;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A region file truncated under a reader's mapping is found before any page of it is read: the first
 * {@link SlotReader#begin} of each batch asks the mapped inode for its size, answers
 * {@link SlotReader#REGION_NOT_BACKED} for the rest of the mapping's life and never touches the lost pages (which would
 * raise SIGBUS and, in the JVM, an asynchronous InternalError after reads that return stale values).
 */
class RegionBackingTest
{
    private static final int LENGTH = 512;

    @Test
    void truncatedPoolIsFoundAtTheNextBatchWithoutReadingIt() throws Exception
    {
        final Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "tp-backing-");
        try (ShmTestStream stream = new ShmTestStream(dir, 1, 1, 8, 4096))
        {
            write(stream, 0);
            write(stream, 1);
            final FrameView view = new FrameView();
            stream.reader.startBatch();
            assertEquals(SlotReader.OK, stream.reader.begin(0, 0, view));
            assertTrue(stream.consumer.isBacked());

            truncate(dir.resolve("payload-1.pool"), 4096);
            assertFalse(stream.consumer.pool(0).region().isBacked(), "fstat of the mapped inode sees the truncation");
            assertTrue(stream.consumer.headerRing().region().isBacked());

            // within the batch that was already checked nothing changes (the check is per batch, not per frame)
            assertEquals(SlotReader.OK, stream.reader.begin(1, 1, view));
            stream.reader.startBatch();
            assertEquals(SlotReader.REGION_NOT_BACKED, stream.reader.begin(1, 1, view));
            assertFalse(view.stillCommitted(), "a refused frame exposes nothing");
            assertEquals(0, view.payload().capacity());
            // and it stays refused: the mapping is dead even if the file grows back
            truncate(dir.resolve("payload-1.pool"), stream.consumer.pool(0).region().spec().fileSize());
            stream.reader.startBatch();
            assertEquals(SlotReader.REGION_NOT_BACKED, stream.reader.begin(0, 0, view));
            assertEquals(-1, stream.reader.committedSequenceAt(0));
        }
        finally
        {
            StreamRegionFiles.deleteRecursively(dir);
        }
    }

    @Test
    void truncatedHeaderRingIsFoundToo() throws Exception
    {
        final Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "tp-backing-");
        try (ShmTestStream stream = new ShmTestStream(dir, 1, 1, 8, 4096))
        {
            write(stream, 0);
            truncate(dir.resolve("header.ring"), 0);
            stream.reader.startBatch();
            assertEquals(SlotReader.REGION_NOT_BACKED, stream.reader.begin(0, 0, new FrameView()));
            assertFalse(stream.consumer.isBacked());
        }
        finally
        {
            StreamRegionFiles.deleteRecursively(dir);
        }
    }

    @Test
    void closedRegionIsNotBacked() throws Exception
    {
        final Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "tp-backing-");
        try
        {
            final ShmTestStream stream = new ShmTestStream(dir, 1, 1, 8, 4096);
            final MappedRegion ring = stream.consumer.headerRing().region();
            assertTrue(ring.isBacked());
            stream.close();
            assertFalse(ring.isBacked());
        }
        finally
        {
            StreamRegionFiles.deleteRecursively(dir);
        }
    }

    @Test
    void interruptedThreadKeepsAHealthyMappingBacked() throws Exception
    {
        final Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "tp-backing-");
        try (ShmTestStream stream = new ShmTestStream(dir, 1, 1, 8, 4096))
        {
            // Flink interrupts task threads on cancellation: an interruptible channel would close itself here
            Thread.currentThread().interrupt();
            assertTrue(stream.consumer.isBacked());
            assertTrue(Thread.interrupted());
            assertTrue(stream.consumer.isBacked());
        }
        finally
        {
            StreamRegionFiles.deleteRecursively(dir);
        }
    }

    private static void write(final ShmTestStream stream, final long seq)
    {
        final FrameClaim claim = new FrameClaim();
        stream.writer.claim(seq, LENGTH, claim);
        claim.dtype(Dtype.UINT8).shape1d(LENGTH);
        assertEquals(0, claim.commit());
    }

    private static void truncate(final Path file, final long size) throws Exception
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            if (size < channel.size())
            {
                channel.truncate(size);
            }
            else
            {
                channel.write(java.nio.ByteBuffer.allocate(1), size - 1);
            }
        }
    }
}
