package io.tensorpool.flink.sink;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.List;
import java.util.Map;

/** The sink ITCases' job: records from one source subtask, rebalanced over the sink's subtasks; and its counters. */
final class SinkJobs
{
    private SinkJobs()
    {
    }

    /** Run {@code input} through {@code sink} at {@code parallelism} on the MiniCluster and wait for the end. */
    static JobExecutionResult runJob(
        final List<float[]> input, final int parallelism, final TensorPoolSink<float[]> sink, final String name)
        throws Exception
    {
        final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromData(input, PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO)
            .setParallelism(1)
            .rebalance()
            .sinkTo(sink)
            .setParallelism(parallelism)
            .name(name);
        return env.execute(name);
    }

    /** The sum over every subtask of the counter {@code metric} the job registered. */
    static long counterTotal(final InMemoryReporter reporter, final JobID job, final String metric)
    {
        long total = 0;
        for (final Map.Entry<String, Metric> entry : reporter.findMetrics(job, metric).entrySet())
        {
            if (entry.getKey().endsWith("." + metric) && entry.getValue() instanceof Counter)
            {
                total += ((Counter)entry.getValue()).getCount();
            }
        }
        return total;
    }
}
