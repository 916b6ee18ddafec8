package io.tensorpool.shm;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MajorOrder;
import io.tensorpool.codecs.wire.ProgressUnit;
import io.tensorpool.tensor.TensorLayoutRules;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The producer write path (Wire §8.3, §9, §15.4, §15.5, §15.18): return codes, pool selection and claim misuse. */
class SlotWriterTest
{
    private static final int NSLOTS = 8;

    @TempDir
    Path dir;

    private ShmTestStream stream;
    private final FrameClaim claim = new FrameClaim();
    private final FrameView view = new FrameView();

    @BeforeEach
    void setUp()
    {
        stream = new ShmTestStream(dir, 3, 1, NSLOTS, 65536, 4096, 16384);
    }

    @AfterEach
    void tearDown()
    {
        stream.close();
    }

    private long seqCommit(final int index)
    {
        return stream.ringBytes().getLongVolatile(64 + index * 256);
    }

    @Test
    void selectsTheSmallestPoolThatFits()
    {
        assertEquals(4096, stream.producer.pool(0).strideBytes(), "pools sorted by stride");
        assertEquals(0, stream.producer.selectPool(0));
        assertEquals(0, stream.producer.selectPool(4096));
        assertEquals(1, stream.producer.selectPool(4097));
        assertEquals(2, stream.producer.selectPool(65536));
        assertEquals(StreamRegions.NO_POOL, stream.producer.selectPool(65537));

        stream.writer.claim(0, 4097, claim);
        assertEquals(3, claim.poolId(), "pool ids follow creation order: 16384 is pool 3");
        claim.abort();
    }

    @Test
    void dropsWhenNoPoolFitsWithoutTouchingTheSlot()
    {
        final long before = seqCommit(1);
        assertEquals(SlotWriter.NO_POOL_FITS, stream.writer.claim(1, 65537, claim));
        assertEquals(before, seqCommit(1), "no write on a dropped frame (Wire §9)");
        assertFalse(claim.isOpen());
    }

    @Test
    void rejectsNegativeLength()
    {
        assertEquals(SlotWriter.NEGATIVE_LENGTH, stream.writer.claim(1, -1, claim));
    }

    @Test
    void rejectsSequenceThatDoesNotFitTheCommitWord()
    {
        assertEquals(SlotWriter.SEQUENCE_OUT_OF_RANGE, stream.writer.claim(Long.MIN_VALUE, 8, claim));
        assertEquals(SlotWriter.SEQUENCE_OUT_OF_RANGE, stream.writer.claim(-1, 8, claim));
        final long largest = Long.MAX_VALUE;
        final int index = stream.writer.claim(largest, 8, claim);
        assertEquals((int)(largest & (NSLOTS - 1)), index);
        claim.shape1d(8);
        assertEquals(TensorLayoutRules.OK, claim.commit());
        assertEquals(SlotReader.OK, stream.reader.begin(index, largest, view));
        assertEquals(largest, view.seq());
    }

    @Test
    void secondClaimWhileOneIsOpenIsRefused()
    {
        assertEquals(2, stream.writer.claim(2, 8, claim));
        assertEquals(SlotWriter.CLAIM_OPEN, stream.writer.claim(3, 8, new FrameClaim()));
        claim.abort();
        assertEquals(3, stream.writer.claim(3, 8, claim));
        claim.abort();
    }

    @Test
    void claimStoresInProgressBeforeAnyPayloadWrite()
    {
        assertEquals(5, stream.writer.claim(13, 8, claim));
        assertEquals(SeqCommit.inProgress(13), seqCommit(5));
        claim.shape1d(8);
        assertEquals(TensorLayoutRules.OK, claim.commit());
        assertEquals(SeqCommit.committed(13), seqCommit(5));
    }

    @Test
    void commitTwiceIsAProgrammingError()
    {
        stream.writer.claim(1, 8, claim);
        claim.shape1d(8);
        assertEquals(TensorLayoutRules.OK, claim.commit());
        final IllegalStateException ex = assertThrows(IllegalStateException.class, claim::commit);
        assertTrue(ex.getMessage().contains("seq=1"), ex.getMessage());
        assertThrows(IllegalStateException.class, claim::abort);
        assertThrows(IllegalStateException.class, new FrameClaim()::commit);
    }

    @Test
    void invalidDescriptionLeavesTheSlotInProgress()
    {
        stream.writer.claim(4, 16, claim);
        claim.dtype(Dtype.FLOAT64).majorOrder(MajorOrder.ROW).shape(new int[]{2, 2}, 2);
        assertEquals(TensorLayoutRules.EXTENT_EXCEEDS_VALUES_LEN, claim.commit(), "32 bytes described, 16 claimed");
        assertEquals(SeqCommit.inProgress(4), seqCommit(4));
        assertEquals(SlotReader.NOT_COMMITTED, stream.reader.begin(4, 4, view));
        assertFalse(claim.isOpen(), "the claim is closed either way");
        assertEquals(4, stream.writer.claim(4, 32, claim), "the writer can go on");
        assertEquals(TensorLayoutRules.OK, claim.shape(new int[]{2, 2}, 2).commit());
    }

    @Test
    void shapeIsNotCarriedOverToTheNextClaim()
    {
        stream.writer.claim(1, 8, claim);
        claim.dtype(Dtype.UINT8).shape1d(8);
        assertEquals(TensorLayoutRules.OK, claim.commit());
        stream.writer.claim(2, 8, claim);
        assertEquals(TensorLayoutRules.NDIMS_OUT_OF_RANGE, claim.commit());
    }

    @Test
    void progressIsValidatedAtCommit()
    {
        stream.writer.claim(1, 12, claim);
        claim.dtype(Dtype.UINT8).majorOrder(MajorOrder.ROW).shape(new int[]{3, 4}, 2).progress(ProgressUnit.ROWS, 3);
        assertEquals(TensorLayoutRules.PROGRESS_STRIDE_INCONSISTENT, claim.commit());
        stream.writer.claim(1, 12, claim);
        claim.shape(new int[]{3, 4}, 2).progress(ProgressUnit.ROWS, 4);
        assertEquals(TensorLayoutRules.OK, claim.commit());
        assertEquals(SlotReader.OK, stream.reader.begin(1, 1, view));
        assertEquals(ProgressUnit.ROWS, view.progressUnit());
        assertEquals(4, view.progressStrideBytes());
    }

    @Test
    void explicitStridesRoundTrip()
    {
        stream.writer.claim(6, 4096, claim);
        claim.dtype(Dtype.INT16).majorOrder(MajorOrder.COLUMN).shape(new int[]{3, 5}, 2).strides(new int[]{2, 64})
            .progress(ProgressUnit.COLUMNS, 64).timestampNs(77).metaVersion(0xFFFF_FFFFL);
        assertEquals(TensorLayoutRules.OK, claim.commit());
        assertEquals(SlotReader.OK, stream.reader.begin(6, 6, view));
        assertEquals(MajorOrder.COLUMN, view.majorOrder());
        assertEquals(Dtype.INT16, view.dtype());
        assertEquals(64, view.stride(1));
        assertEquals(64, view.declaredStride(1));
        assertEquals(15, view.elementCount());
        assertEquals(2, view.elementSize());
        assertFalse(view.isContiguous(), "columns padded to 64 bytes");
        assertEquals(77, view.timestampNs());
        assertEquals(0xFFFF_FFFFL, view.metaVersion(), "meta_version is an unsigned u32");
    }

    @Test
    void headerIndexWrapsWithTheRing()
    {
        for (long seq = 0; seq < 3 * NSLOTS; seq++)
        {
            final int index = stream.writer.claim(seq, 8, claim);
            assertEquals((int)(seq & (NSLOTS - 1)), index);
            claim.shape1d(8);
            assertEquals(TensorLayoutRules.OK, claim.commit());
            assertEquals(SlotReader.OK, stream.reader.begin(index, seq, view));
            assertTrue(view.isContiguous());
            assertEquals(seq, stream.reader.committedSequenceAt(index));
        }
        assertEquals(-1, stream.reader.committedSequenceAt(NSLOTS));
        assertEquals(-1, stream.reader.committedSequenceAt(-1));
    }

    @Test
    void activityRefreshReachesEveryRegion()
    {
        stream.writer.refreshActivity(123_456_789L);
        assertEquals(123_456_789L, Superblock.activityTimestampNs(stream.consumer.headerRing().buffer()));
        for (int i = 0; i < stream.consumer.poolCount(); i++)
        {
            assertEquals(123_456_789L, Superblock.activityTimestampNs(stream.consumer.pool(i).region().buffer()));
        }
    }
}
