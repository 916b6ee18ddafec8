package io.tensorpool.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aeron.Aeron;
import io.tensorpool.discovery.DiscoveredPool;
import io.tensorpool.discovery.DiscoveredStream;
import io.tensorpool.discovery.DiscoveryClient;
import io.tensorpool.discovery.DiscoveryQuery;
import io.tensorpool.discovery.DiscoveryResult;
import org.agrona.CloseHelper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code tensorpool discover}: ask the discovery provider (embedded in the driver, or a registry) for streams. */
@Command(
    name = "discover",
    mixinStandardHelpOptions = true,
    description = {
        "List streams known to discovery, filtered by stream id, data source name and tags (all must match).",
        "",
        "Results are advisory (Discovery §3): attach through the driver a result names. Exit status 1 " +
            "when no provider answers in time or it answers with an error.",
    })
final class DiscoverCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--stream", paramLabel = "ID", description = "Only this stream id.")
    Long streamId;

    @Option(names = "--name", paramLabel = "NAME", description = "Only this data source name (exact).")
    String name;

    @Option(names = "--tag", paramLabel = "TAG", description = "Only streams with this tag (repeatable; all must "
        + "match, case-sensitive).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
        description = "How long to wait for the answer (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Mixin
    AeronOptions aeronOptions;

    @Override
    public Integer call()
    {
        final DiscoveryQuery query;
        try
        {
            final DiscoveryQuery.Builder builder = DiscoveryQuery.builder();
            if (streamId != null)
            {
                builder.streamId(CliArguments.streamId(streamId));
            }
            if (name != null)
            {
                builder.dataSourceName(name);
            }
            builder.tags(tags);
            query = builder.build();
        }
        catch (final IllegalArgumentException ex)
        {
            throw CliArguments.usage(ex.getMessage());
        }
        if (!(timeoutSeconds > 0))
        {
            throw CliArguments.usage("--timeout must be a positive number of seconds, was " + timeoutSeconds);
        }

        Aeron aeron = null;
        DiscoveryClient client = null;
        try
        {
            aeron = aeronOptions.connect();
            client = DiscoveryClient.connect(new DiscoveryClient.Context().aeron(aeron));
            final DiscoveryResult result = client.query(query, (long)(timeoutSeconds * TimeUnit.SECONDS.toNanos(1)));
            if (result.status() == DiscoveryResult.Status.TIMED_OUT)
            {
                throw new CliFailure("no discovery provider answered within " + timeoutSeconds + " s on " +
                    client.context().requestChannel() + " stream " + client.context().requestStreamId() +
                    " (is 'tensorpool driver' running?)");
            }
            if (result.status() == DiscoveryResult.Status.ERROR)
            {
                throw new CliFailure("discovery answered with an error: " + result.errorMessage());
            }
            print(result.streams());
            return TensorPoolCommand.EXIT_OK;
        }
        finally
        {
            CloseHelper.quietCloseAll(client, aeron);
        }
    }

    private void print(final List<DiscoveredStream> streams)
    {
        final PrintWriter out = spec.commandLine().getOut();
        final ObjectNode root = JsonNodeFactory.instance.objectNode();
        final ArrayNode array = root.putArray("streams");
        for (final DiscoveredStream stream : streams)
        {
            array.add(toJson(stream));
        }
        if (json)
        {
            out.println(InspectCommand.toJson(root));
        }
        else if (streams.isEmpty())
        {
            out.println("no matching streams");
        }
        else
        {
            out.println(String.format(Locale.ROOT, "%-10s %-10s %-6s %-20s %-20s %-12s %s", "STREAM", "PRODUCER",
                "EPOCH", "NAME", "TAGS", "DRIVER", "POOLS (id:stride x nslots)"));
            for (final DiscoveredStream s : streams)
            {
                final StringBuilder pools = new StringBuilder();
                for (final DiscoveredPool pool : s.pools())
                {
                    pools.append(pools.length() == 0 ? "" : " ").append(pool.poolId()).append(':')
                        .append(pool.strideBytes()).append('x').append(pool.poolNslots());
                }
                out.println(String.format(Locale.ROOT, "%-10s %-10s %-6d %-20s %-20s %-12s %s",
                    Integer.toUnsignedString(s.streamId()), Integer.toUnsignedString(s.producerId()), s.epoch(),
                    s.dataSourceName().isEmpty() ? "-" : s.dataSourceName(),
                    s.tags().isEmpty() ? "-" : String.join(",", s.tags()), s.driverInstanceId(), pools));
            }
        }
        out.flush();
    }

    private static ObjectNode toJson(final DiscoveredStream s)
    {
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("streamId", Integer.toUnsignedLong(s.streamId()));
        node.put("producerId", Integer.toUnsignedLong(s.producerId()));
        node.put("epoch", s.epoch());
        node.put("layoutVersion", s.layoutVersion());
        node.put("headerNslots", s.headerNslots());
        node.put("headerSlotBytes", s.headerSlotBytes());
        node.put("maxDims", s.maxDims());
        node.put("headerRegionUri", s.headerRegionUri());
        final ArrayNode pools = node.putArray("payloadPools");
        for (final DiscoveredPool pool : s.pools())
        {
            pools.addObject().put("poolId", pool.poolId()).put("poolNslots", pool.poolNslots())
                .put("strideBytes", pool.strideBytes()).put("regionUri", pool.regionUri());
        }
        if (s.dataSourceId().isPresent())
        {
            node.put("dataSourceId", s.dataSourceId().getAsLong());
        }
        node.put("dataSourceName", s.dataSourceName());
        final ArrayNode tagArray = node.putArray("tags");
        s.tags().forEach(tagArray::add);
        node.put("driverInstanceId", s.driverInstanceId());
        node.put("driverControlChannel", s.driverControlChannel());
        node.put("driverControlStreamId", s.driverControlStreamId());
        return node;
    }
}
