package io.tensorpool.hardening;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MajorOrder;
import io.tensorpool.codecs.wire.ProgressUnit;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.FrameView;
import io.tensorpool.shm.ShmLayout;
import io.tensorpool.shm.SlotReader;
import io.tensorpool.shm.SlotWriter;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.shm.StreamRegions;
import io.tensorpool.tensor.ElementTypes;
import io.tensorpool.tensor.TensorLayoutRules;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property-based tests of the data plane's encode/decode round trip and the tensor layout rules (Wire §8.2, §8.3):
 * random dtypes, orders, shapes, strides (contiguous, padded, hostile), progress units and payloads go through the real
 * {@link SlotWriter}/{@link FrameClaim} into shared memory and back out through {@link SlotReader}/{@link FrameView}.
 */
class SlotLayoutPropertyTest
{
    private static final int NSLOTS = 8;
    private static final int MAX_FRAME = 65536;
    private static Path dir;
    private static StreamRegions regions;
    private static SlotWriter writer;
    private static SlotReader reader;
    private static long nextSeq = 1;
    private final FrameClaim claim = new FrameClaim();
    private final FrameView view = new FrameView();

    @BeforeContainer
    static void createStream() throws IOException
    {
        dir = Files.createDirectories(Path.of("/dev/shm", "tp-properties-" + UUID.randomUUID()));
        regions = HardeningStreams.create(dir, 31, 2, NSLOTS, 4096, MAX_FRAME);
        writer = new SlotWriter(regions);
        reader = new SlotReader(regions);
    }

    @AfterContainer
    static void deleteStream()
    {
        CloseHelper.quietClose(regions);
        StreamRegionFiles.deleteRecursively(dir);
    }

    /** One tensor description; strides all zero means "inferred contiguous". */
    record Description(Dtype dtype, MajorOrder order, int[] dims, int[] strides, ProgressUnit progress,
        int progressStride, int slack)
    {
        int ndims()
        {
            return dims.length;
        }

        int elementSize()
        {
            return ElementTypes.elementSize(dtype);
        }

        /** values_len_bytes: the byte extent of the tensor (0 if empty) plus slack. */
        long valuesLength()
        {
            final long[] effective = effectiveStrides();
            long extent = elementSize();
            for (int i = 0; i < dims.length; i++)
            {
                if (dims[i] == 0)
                {
                    return slack;
                }
                extent += (long)(dims[i] - 1) * effective[i];
            }
            return extent + slack;
        }

        long[] effectiveStrides()
        {
            final long[] out = new long[ShmLayout.MAX_DIMS];
            if (Arrays.stream(strides).allMatch(s -> s == 0))
            {
                contiguous(elementSize(), order == MajorOrder.COLUMN, dims, out);
            }
            else
            {
                for (int i = 0; i < dims.length; i++)
                {
                    out[i] = strides[i];
                }
            }
            return out;
        }

        int validate(final long valuesLen)
        {
            return TensorLayoutRules.validate(dtype.value(), order.value(), dims.length, pad(dims), pad(strides),
                progress.value(), progressStride, valuesLen, new long[ShmLayout.MAX_DIMS]);
        }

        @Override
        public String toString()
        {
            return dtype + " " + order + " dims=" + Arrays.toString(dims) + " strides=" + Arrays.toString(strides) +
                " progress=" + progress + "/" + progressStride + " slack=" + slack;
        }
    }

    /** Contiguous strides computed independently of the production code, innermost dimension first. */
    static void contiguous(final int elementSize, final boolean columnMajor, final int[] dims, final long[] out)
    {
        long stride = elementSize;
        for (int k = 0; k < dims.length; k++)
        {
            final int i = columnMajor ? k : dims.length - 1 - k;
            out[i] = stride;
            stride *= Math.max(dims[i], 1);
        }
    }

    static int[] pad(final int[] values)
    {
        return Arrays.copyOf(values, ShmLayout.MAX_DIMS);
    }

    @Provide
    Arbitrary<Description> validLayouts()
    {
        final Arbitrary<Dtype> dtypes = Arbitraries.of(Arrays.stream(Dtype.values())
            .filter(d -> d != Dtype.NULL_VAL).toArray(Dtype[]::new));
        final Arbitrary<int[]> shapes = Arbitraries.integers().between(0, 6).array(int[].class).ofMinSize(1)
            .ofMaxSize(4);
        return Combinators.combine(dtypes, Arbitraries.of(MajorOrder.ROW, MajorOrder.COLUMN), shapes,
            Arbitraries.integers().between(0, 3), Arbitraries.of(ProgressUnit.values()).filter(p ->
                p != ProgressUnit.NULL_VAL), Arbitraries.integers().between(0, 64), Arbitraries.integers()
                .between(0, 8))
            .as((dtype, order, dims, padMode, progress, slack, paddingBytes) ->
            {
                final int size = ElementTypes.elementSize(dtype);
                final int[] strides = new int[dims.length];
                if (padMode != 0)
                {
                    // explicit strides, innermost dense, outer ones padded by a few bytes each
                    long stride = size;
                    for (int k = 0; k < dims.length; k++)
                    {
                        final int i = order == MajorOrder.COLUMN ? k : dims.length - 1 - k;
                        strides[i] = (int)stride;
                        stride = stride * Math.max(dims[i], 1) + (long)paddingBytes * padMode;
                    }
                }
                final Description base = new Description(dtype, order, dims, strides, ProgressUnit.NONE, 0, slack);
                final long[] effective = base.effectiveStrides();
                final int unitStride = (int)(progress == ProgressUnit.ROWS ? effective[0] :
                    effective[dims.length - 1]);
                return new Description(dtype, order, dims, strides, progress,
                    progress == ProgressUnit.NONE ? 0 : unitStride, slack);
            })
            .filter(d -> d.valuesLength() <= MAX_FRAME);
    }

    @Provide
    Arbitrary<Description> anyLayouts()
    {
        final Arbitrary<Dtype> dtypes = Arbitraries.of(Arrays.stream(Dtype.values())
            .filter(d -> d != Dtype.NULL_VAL).toArray(Dtype[]::new));
        final Arbitrary<int[]> dims = Arbitraries.integers().between(0, 5).array(int[].class).ofMinSize(1)
            .ofMaxSize(3);
        final Arbitrary<int[]> strides = Arbitraries.integers().between(0, 80).array(int[].class).ofSize(3);
        return Combinators.combine(dtypes, Arbitraries.of(MajorOrder.UNKNOWN, MajorOrder.ROW, MajorOrder.COLUMN),
            dims, strides, Arbitraries.of(ProgressUnit.NONE, ProgressUnit.ROWS, ProgressUnit.COLUMNS),
            Arbitraries.integers().between(0, 80), Arbitraries.integers().between(0, 16))
            .as((dtype, order, d, s, progress, progressStride, slack) ->
                new Description(dtype, order, d, Arrays.copyOf(s, d.length), progress, progressStride, slack));
    }

    /** What the writer commits, the reader returns: every header field and every payload byte. */
    @Property(tries = 300)
    void writerAndReaderRoundTrip(@ForAll("validLayouts") final Description d, @ForAll final long timestamp)
    {
        final int length = (int)d.valuesLength();
        final long seq = nextSeq++;
        final int index = writer.claim(seq, length, claim);
        assertTrue(index >= 0, "claim failed: " + index);
        for (int i = 0; i < length; i++)
        {
            claim.buffer().putByte(i, (byte)(seq * 31 + i));
        }
        claim.dtype(d.dtype()).majorOrder(d.order()).shape(d.dims(), d.ndims()).progress(d.progress(),
            d.progressStride()).timestampNs(timestamp).metaVersion(seq & 0xFFFF_FFFFL);
        if (Arrays.stream(d.strides()).anyMatch(s -> s != 0))
        {
            claim.strides(d.strides());
        }
        assertEquals(TensorLayoutRules.OK, claim.commit(), () -> "writer rejected a valid layout " + d);

        assertEquals(SlotReader.OK, reader.begin(index, seq, view), () -> "reader rejected " + d + ": " +
            TensorLayoutRules.describe(reader.lastLayoutReason()));
        assertEquals(seq, view.seq());
        assertEquals(length, view.valuesLength());
        assertEquals(d.dtype(), view.dtype());
        assertEquals(d.order(), view.majorOrder());
        assertEquals(d.progress(), view.progressUnit());
        assertEquals(d.progressStride(), view.progressStrideBytes());
        assertEquals(timestamp, view.timestampNs());
        assertEquals(seq & 0xFFFF_FFFFL, view.metaVersion());
        assertEquals(d.ndims(), view.ndims());
        final long[] expectedStrides = d.effectiveStrides();
        for (int i = 0; i < d.ndims(); i++)
        {
            assertEquals(d.dims()[i], view.dim(i));
            assertEquals(d.strides()[i], view.declaredStride(i));
            assertEquals(expectedStrides[i], view.stride(i), "effective stride " + i + " of " + d);
        }
        final byte[] read = new byte[length];
        view.payload().getBytes(0, read);
        for (int i = 0; i < length; i++)
        {
            assertEquals((byte)(seq * 31 + i), read[i]);
        }
        assertTrue(view.stillCommitted());
    }

    /**
     * Writer and reader apply the same rules to any description: the writer commits exactly what the validator
     * accepts, the reader delivers exactly what was committed, and a rejected commit leaves a slot no reader accepts.
     */
    @Property(tries = 500)
    void writerAcceptsExactlyWhatReaderAccepts(@ForAll("anyLayouts") final Description d)
    {
        final long valuesLen = Math.min(d.valuesLength(), MAX_FRAME);
        final int expected = d.validate(valuesLen);
        final long seq = nextSeq++;
        final int index = writer.claim(seq, (int)valuesLen, claim);
        assertTrue(index >= 0);
        claim.dtype(d.dtype()).majorOrder(d.order()).shape(d.dims(), d.ndims()).progress(d.progress(),
            d.progressStride());
        claim.strides(d.strides());
        final int committed = claim.commit();
        assertEquals(expected, committed, () -> "writer and validator disagree on " + d);
        final int status = reader.begin(index, seq, view);
        if (committed == TensorLayoutRules.OK)
        {
            assertEquals(SlotReader.OK, status, () -> "reader rejected what the writer committed: " + d);
        }
        else
        {
            assertEquals(SlotReader.NOT_COMMITTED, status, () -> "a rejected commit must stay in progress: " + d);
            assertFalse(view.stillCommitted());
        }
    }

    /**
     * Accepted layouts are safe: every element lies inside values_len_bytes and no two elements share a byte (the
     * overlap rule, checked here by brute force over every index).
     */
    @Property(tries = 1000)
    void acceptedLayoutsNeverOverlapOrOverrun(@ForAll("anyLayouts") final Description d)
    {
        final long valuesLen = d.valuesLength();
        final long[] effective = new long[ShmLayout.MAX_DIMS];
        final int result = TensorLayoutRules.validate(d.dtype().value(), d.order().value(), d.ndims(), pad(d.dims()),
            pad(d.strides()), d.progress().value(), d.progressStride(), valuesLen, effective);
        if (result != TensorLayoutRules.OK)
        {
            return;
        }
        final int size = d.elementSize();
        long count = 1;
        for (final int dim : d.dims())
        {
            count *= dim;
        }
        final boolean[] used = new boolean[(int)valuesLen];
        final int[] index = new int[d.ndims()];
        for (long n = 0; n < count; n++)
        {
            long offset = 0;
            for (int i = 0; i < d.ndims(); i++)
            {
                offset += index[i] * effective[i];
            }
            assertTrue(offset >= 0 && offset + size <= valuesLen, () -> "element outside values_len in " + d);
            for (int b = 0; b < size; b++)
            {
                assertFalse(used[(int)offset + b], () -> "two elements overlap in accepted layout " + d);
                used[(int)offset + b] = true;
            }
            for (int i = d.ndims() - 1; i >= 0; i--)
            {
                if (++index[i] < d.dims()[i])
                {
                    break;
                }
                index[i] = 0;
            }
        }
    }

    /** Inferred strides (all zero) equal the contiguous strides of the order, and spelling them out changes nothing. */
    @Property(tries = 500)
    void inferredStridesAreContiguous(@ForAll("validLayouts") final Description d)
    {
        final Description inferred = new Description(d.dtype(), d.order(), d.dims(), new int[d.ndims()],
            ProgressUnit.NONE, 0, 0);
        final long valuesLen = inferred.valuesLength();
        final long[] effective = new long[ShmLayout.MAX_DIMS];
        assertEquals(TensorLayoutRules.OK, TensorLayoutRules.validate(d.dtype().value(), d.order().value(),
            d.ndims(), pad(d.dims()), new int[ShmLayout.MAX_DIMS], ProgressUnit.NONE.value(), 0, valuesLen,
            effective));
        final long[] expected = new long[ShmLayout.MAX_DIMS];
        contiguous(d.elementSize(), d.order() == MajorOrder.COLUMN, d.dims(), expected);
        assertArrayEquals(Arrays.copyOf(expected, d.ndims()), Arrays.copyOf(effective, d.ndims()));

        final int[] explicit = new int[ShmLayout.MAX_DIMS];
        for (int i = 0; i < d.ndims(); i++)
        {
            explicit[i] = (int)expected[i];
        }
        final long[] explicitEffective = new long[ShmLayout.MAX_DIMS];
        assertEquals(TensorLayoutRules.OK, TensorLayoutRules.validate(d.dtype().value(), d.order().value(),
            d.ndims(), pad(d.dims()), explicit, ProgressUnit.NONE.value(), 0, valuesLen, explicitEffective));
        assertArrayEquals(effective, explicitEffective);
        // one byte short of the extent is always rejected (unless the tensor is empty)
        if (valuesLen > 0 && Arrays.stream(d.dims()).noneMatch(x -> x == 0))
        {
            assertEquals(TensorLayoutRules.EXTENT_EXCEEDS_VALUES_LEN, TensorLayoutRules.validate(d.dtype().value(),
                d.order().value(), d.ndims(), pad(d.dims()), new int[ShmLayout.MAX_DIMS], ProgressUnit.NONE.value(),
                0, valuesLen - 1, effective));
        }
    }

    /** Swapping the strides of a 2-D padded layout contradicts its declared order and is rejected. */
    @Property(tries = 300)
    void stridesContradictingTheOrderAreRejected(
        @ForAll("validLayouts") final Description d)
    {
        if (d.ndims() != 2 || d.dims()[0] < 2 || d.dims()[1] < 2)
        {
            return;
        }
        final long[] effective = d.effectiveStrides();
        final int[] swapped = {(int)effective[1], (int)effective[0]};
        final int result = TensorLayoutRules.validate(d.dtype().value(), d.order().value(), 2, pad(d.dims()),
            pad(swapped), ProgressUnit.NONE.value(), 0, Integer.MAX_VALUE, new long[ShmLayout.MAX_DIMS]);
        if (effective[0] != effective[1])
        {
            assertEquals(TensorLayoutRules.STRIDES_OVERLAP_OR_CONTRADICT_ORDER, result, d::toString);
        }
    }
}
