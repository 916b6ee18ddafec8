package io.tensorpool.shm;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MajorOrder;
import io.tensorpool.codecs.wire.ProgressUnit;
import io.tensorpool.tensor.TensorLayoutRules;
import io.tensorpool.testing.Await;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every {@link SlotReader} status (Wire §8.2, §8.3, §10.2.1, §15.3, §15.21): a frame committed by the real writer,
 * then one field corrupted in the producer's mapping, then read through a consumer mapping of the same file. The
 * read path is allocation-free, so each test asserts the precise status (and layout reason) instead of a message.
 */
class SlotReaderStatusTest
{
    private static final int NSLOTS = 4;
    private static final long SEQ = 5; // header_index 1
    private static final int INDEX = 1;
    private static final int SLOT = 64 + INDEX * 256;

    @TempDir
    java.nio.file.Path dir;

    private ShmTestStream stream;
    private final FrameClaim claim = new FrameClaim();
    private final FrameView view = new FrameView();

    @BeforeEach
    void setUp()
    {
        stream = new ShmTestStream(dir, 11, 2, NSLOTS, 4096, 65536);
    }

    @AfterEach
    void tearDown()
    {
        stream.close();
    }

    private void commit(final long seq, final int length)
    {
        assertEquals((int)(seq & (NSLOTS - 1)), stream.writer.claim(seq, length, claim));
        for (int i = 0; i < length; i++)
        {
            claim.buffer().putByte(i, (byte)(seq + i));
        }
        claim.dtype(Dtype.UINT8).majorOrder(MajorOrder.ROW).progress(ProgressUnit.NONE, 0).shape1d(length);
        assertEquals(TensorLayoutRules.OK, claim.commit());
    }

    private int read(final long expectedSeq)
    {
        return stream.reader.begin(INDEX, expectedSeq, view);
    }

    @Test
    void okExposesTheCommittedFrame()
    {
        commit(SEQ, 100);
        assertEquals(SlotReader.OK, read(SEQ));
        assertEquals(SEQ, view.seq());
        assertEquals(INDEX, view.headerIndex());
        assertEquals(11, view.streamId());
        assertEquals(2, view.epoch());
        assertEquals(100, view.valuesLength());
        assertEquals(1, view.poolId(), "smallest pool that fits");
        assertEquals(Dtype.UINT8, view.dtype());
        assertEquals(1, view.ndims());
        assertEquals(100, view.dim(0));
        assertEquals(1, view.stride(0));
        assertEquals(0, view.declaredStride(0));
        assertEquals((byte)(SEQ + 99), view.payload().getByte(99));
        assertEquals(100, view.payload().capacity());
        assertTrue(view.stillCommitted());
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[100]);
        assertTrue(view.copyPayloadTo(copy, 0));
        assertEquals((byte)SEQ, copy.getByte(0));
        assertThrows(IndexOutOfBoundsException.class, () -> view.dim(1));
    }

    @Test
    void largerFrameGoesToTheLargerPool()
    {
        commit(SEQ, 5000);
        assertEquals(SlotReader.OK, read(SEQ));
        assertEquals(2, view.poolId());
        assertEquals((byte)(SEQ + 4999), view.payload().getByte(4999));
    }

    @Test
    void emptyPayloadIsValid()
    {
        assertEquals(INDEX, stream.writer.claim(SEQ, 0, claim));
        claim.dtype(Dtype.UINT8).shape(new int[]{0}, 1);
        assertEquals(TensorLayoutRules.OK, claim.commit());
        assertEquals(SlotReader.OK, read(SEQ));
        assertEquals(0, view.valuesLength());
        assertEquals(0, view.payload().capacity());
    }

    @Test
    void indexOutOfRange()
    {
        commit(SEQ, 8);
        assertEquals(SlotReader.INDEX_OUT_OF_RANGE, stream.reader.begin(-1, SEQ, view));
        assertEquals(SlotReader.INDEX_OUT_OF_RANGE, stream.reader.begin(NSLOTS, SEQ, view));
    }

    @Test
    void notCommittedWhileTheProducerWrites()
    {
        assertEquals(SlotReader.NOT_COMMITTED, read(SEQ), "a never-written slot holds 0: IN-PROGRESS seq 0");
        commit(SEQ, 8);
        assertEquals(INDEX, stream.writer.claim(SEQ + NSLOTS, 8, claim));
        assertEquals(SlotReader.NOT_COMMITTED, read(SEQ));
        assertEquals(SlotReader.NOT_COMMITTED, read(SEQ + NSLOTS));
        claim.abort();
        assertEquals(SlotReader.NOT_COMMITTED, read(SEQ + NSLOTS), "an aborted claim stays IN-PROGRESS");
    }

    @Test
    void overwrittenByNewerFrame()
    {
        commit(SEQ, 8);
        commit(SEQ + NSLOTS, 8);
        assertEquals(SlotReader.OVERWRITTEN, read(SEQ));
        assertEquals(SlotReader.OK, read(SEQ + NSLOTS));
    }

    @Test
    void staleWhenTheSlotHoldsAnOlderSequence()
    {
        commit(SEQ, 8);
        assertEquals(SlotReader.STALE, read(SEQ + NSLOTS));
    }

    @Test
    void payloadReadIsInvalidatedByAnOverwrite()
    {
        commit(SEQ, 8);
        assertEquals(SlotReader.OK, read(SEQ));
        assertEquals(INDEX, stream.writer.claim(SEQ + NSLOTS, 8, claim));
        assertFalse(view.stillCommitted(), "IN-PROGRESS of the next frame must fail the second check");
        assertFalse(view.copyPayloadTo(new UnsafeBuffer(new byte[8]), 0));
        claim.shape1d(8);
        assertEquals(TensorLayoutRules.OK, claim.commit());
        assertFalse(view.stillCommitted(), "a newer committed frame must fail the second check");
    }

    @Test
    void tornWhenTheCommitWordChangesDuringTheHeaderRead()
    {
        commit(SEQ, 8);
        final UnsafeBuffer ring = stream.ringBytes();
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread flipper = new Thread(() ->
        {
            while (running.get())
            {
                ring.putLongRelease(SLOT, SeqCommit.committed(SEQ));
                ring.putLongRelease(SLOT, SeqCommit.inProgress(SEQ));
            }
            ring.putLongRelease(SLOT, SeqCommit.committed(SEQ));
        }, "commit-word-flipper");
        flipper.setDaemon(true);
        flipper.start();
        final int[] seen = new int[12];
        try
        {
            Await.until("TORN status while the commit word flips", Duration.ofSeconds(60),
                () -> seen[SlotReader.TORN] > 0, () -> seen[read(SEQ)]++);
        }
        finally
        {
            running.set(false);
        }
        assertEquals(0, seen[SlotReader.BAD_EMBEDDED_HEADER] + seen[SlotReader.BAD_TENSOR_LAYOUT] +
            seen[SlotReader.OVERWRITTEN] + seen[SlotReader.STALE], "only commit-word statuses are possible here");
        assertTrue(SlotReader.isLate(SlotReader.TORN));
    }

    @Test
    void badEmbeddedHeaderLength()
    {
        assertCorrupted(() -> stream.ringBytes().putInt(SLOT + 60, 191), SlotReader.BAD_EMBEDDED_HEADER);
    }

    @Test
    void badEmbeddedBlockLength()
    {
        assertCorrupted(() -> stream.ringBytes().putShort(SLOT + 64, (short)183), SlotReader.BAD_EMBEDDED_HEADER);
    }

    @Test
    void badEmbeddedTemplateId()
    {
        assertCorrupted(() -> stream.ringBytes().putShort(SLOT + 66, (short)51), SlotReader.BAD_EMBEDDED_HEADER);
    }

    @Test
    void badEmbeddedSchemaId()
    {
        assertCorrupted(() -> stream.ringBytes().putShort(SLOT + 68, (short)901), SlotReader.BAD_EMBEDDED_HEADER);
    }

    @Test
    void badEmbeddedVersion()
    {
        assertCorrupted(() -> stream.ringBytes().putShort(SLOT + 70, (short)2), SlotReader.BAD_EMBEDDED_HEADER);
    }

    @Test
    void nonZeroPayloadOffset()
    {
        assertCorrupted(() -> stream.ringBytes().putInt(SLOT + 18, 64), SlotReader.BAD_PAYLOAD_OFFSET);
    }

    @Test
    void unknownPoolId()
    {
        assertCorrupted(() -> stream.ringBytes().putShort(SLOT + 16, (short)9), SlotReader.UNKNOWN_POOL);
    }

    @Test
    void payloadSlotOutOfRange()
    {
        assertCorrupted(() -> stream.ringBytes().putInt(SLOT + 12, NSLOTS), SlotReader.BAD_PAYLOAD_SLOT);
        assertCorrupted(() -> stream.ringBytes().putInt(SLOT + 12, -1), SlotReader.BAD_PAYLOAD_SLOT);
    }

    @Test
    void payloadSlotNotTheHeaderIndex()
    {
        assertCorrupted(() -> stream.ringBytes().putInt(SLOT + 12, INDEX + 1), SlotReader.BAD_PAYLOAD_SLOT);
    }

    @Test
    void valuesLenBeyondStride()
    {
        assertCorrupted(() -> stream.ringBytes().putInt(SLOT + 8, 4097), SlotReader.VALUES_LEN_EXCEEDS_STRIDE);
        assertCorrupted(() -> stream.ringBytes().putInt(SLOT + 8, -1), SlotReader.VALUES_LEN_EXCEEDS_STRIDE);
    }

    @Test
    void badNdims()
    {
        assertLayoutCorrupted(() -> stream.ringBytes().putByte(SLOT + 76, (byte)0),
            TensorLayoutRules.NDIMS_OUT_OF_RANGE);
        assertLayoutCorrupted(() -> stream.ringBytes().putByte(SLOT + 76, (byte)9),
            TensorLayoutRules.NDIMS_OUT_OF_RANGE);
        assertLayoutCorrupted(() -> stream.ringBytes().putByte(SLOT + 76, (byte)0xFF),
            TensorLayoutRules.NDIMS_OUT_OF_RANGE);
    }

    @Test
    void unknownDtype()
    {
        assertLayoutCorrupted(() -> stream.ringBytes().putShort(SLOT + 72, (short)12), TensorLayoutRules.UNKNOWN_DTYPE);
    }

    @Test
    void unknownMajorOrder()
    {
        assertLayoutCorrupted(() -> stream.ringBytes().putShort(SLOT + 74, (short)3),
            TensorLayoutRules.UNKNOWN_MAJOR_ORDER);
    }

    @Test
    void unknownProgressUnit()
    {
        assertLayoutCorrupted(() -> stream.ringBytes().putByte(SLOT + 78, (byte)3),
            TensorLayoutRules.UNKNOWN_PROGRESS_UNIT);
    }

    @Test
    void extentBeyondValuesLen()
    {
        assertLayoutCorrupted(() -> stream.ringBytes().putInt(SLOT + 83, 9), TensorLayoutRules.EXTENT_EXCEEDS_VALUES_LEN);
    }

    @Test
    void garbagePastNdimsIsIgnored()
    {
        commit(SEQ, 8);
        stream.ringBytes().putInt(SLOT + 83 + 4, 12345);
        stream.ringBytes().putInt(SLOT + 115 + 28, -7);
        assertEquals(SlotReader.OK, read(SEQ), "consumers ignore dims/strides past ndims (Wire §8.2)");
    }

    @Test
    void paddingIsIgnored()
    {
        commit(SEQ, 8);
        stream.ringBytes().setMemory(SLOT + 34, 26, (byte)0x5A);
        stream.ringBytes().setMemory(SLOT + 147, 109, (byte)0x5A);
        stream.ringBytes().putByte(SLOT + 77, (byte)0x5A);
        assertEquals(SlotReader.OK, read(SEQ));
    }

    @Test
    void failedBeginClearsAViewLeftFromAnEarlierFrame()
    {
        commit(SEQ, 8);
        assertEquals(SlotReader.OK, read(SEQ));
        assertTrue(view.stillCommitted());
        assertEquals(SlotReader.STALE, read(SEQ + NSLOTS));
        assertFalse(view.stillCommitted(), "a failed begin must not leave the old frame looking valid");
        assertEquals(0, view.payload().capacity());
        assertEquals(0, view.ndims());
    }

    @Test
    void lateStatusesAreToldApart()
    {
        assertTrue(SlotReader.isLate(SlotReader.NOT_COMMITTED));
        assertTrue(SlotReader.isLate(SlotReader.OVERWRITTEN));
        assertTrue(SlotReader.isLate(SlotReader.TORN));
        for (final int status : new int[]{SlotReader.OK, SlotReader.INDEX_OUT_OF_RANGE, SlotReader.STALE,
            SlotReader.BAD_EMBEDDED_HEADER, SlotReader.BAD_PAYLOAD_OFFSET, SlotReader.UNKNOWN_POOL,
            SlotReader.BAD_PAYLOAD_SLOT, SlotReader.VALUES_LEN_EXCEEDS_STRIDE, SlotReader.BAD_TENSOR_LAYOUT})
        {
            assertFalse(SlotReader.isLate(status), SlotReader.describe(status));
        }
        assertEquals("commit word changed during read", SlotReader.describe(SlotReader.TORN));
        assertEquals("unknown status 99", SlotReader.describe(99));
    }

    private void assertCorrupted(final Runnable corrupt, final int expectedStatus)
    {
        commit(SEQ, 8);
        assertEquals(SlotReader.OK, read(SEQ));
        corrupt.run();
        assertEquals(expectedStatus, read(SEQ), SlotReader.describe(expectedStatus));
    }

    private void assertLayoutCorrupted(final Runnable corrupt, final int expectedReason)
    {
        assertCorrupted(corrupt, SlotReader.BAD_TENSOR_LAYOUT);
        assertEquals(expectedReason, stream.reader.lastLayoutReason(), TensorLayoutRules.describe(expectedReason));
    }
}
