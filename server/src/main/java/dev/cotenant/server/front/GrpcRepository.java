package dev.cotenant.server.front;

import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.repository.Repository;
import dev.cotenant.server.serving.ModelStats;
import dev.cotenant.server.serving.ServedModel;
import dev.cotenant.server.wire.InferBatchStatistics;
import dev.cotenant.server.wire.InferStatistics;
import dev.cotenant.server.wire.ModelRepositoryParameter;
import dev.cotenant.server.wire.ModelStatistics;
import dev.cotenant.server.wire.ModelStatisticsRequest;
import dev.cotenant.server.wire.ModelStatisticsResponse;
import dev.cotenant.server.wire.RepositoryIndexRequest;
import dev.cotenant.server.wire.RepositoryIndexResponse;
import dev.cotenant.server.wire.RepositoryModelLoadRequest;
import dev.cotenant.server.wire.RepositoryModelUnloadRequest;
import dev.cotenant.server.wire.StatisticDuration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The repository and statistics RPCs of the gRPC front, answering from the same {@link Repository}
 * and {@link ModelStats} as the REST endpoints, so the two fronts never disagree. The server has
 * one repository: a request naming another is refused rather than quietly answered from this one.
 */
final class GrpcRepository {

    private final Repository repository;

    GrpcRepository(Repository repository) {
        this.repository = repository;
    }

    RepositoryIndexResponse index(RepositoryIndexRequest request) {
        checkRepository(request.getRepositoryName());
        RepositoryIndexResponse.Builder b = RepositoryIndexResponse.newBuilder();
        for (Repository.Entry e : repository.index()) {
            if (request.getReady() && e.state() != Repository.State.READY) {
                continue;
            }
            if (e.versions().isEmpty()) {
                b.addModels(RepositoryIndexResponse.ModelIndex.newBuilder()
                        .setName(e.name()).setState(e.state().name()).setReason(e.reason()));
            }
            for (String v : e.versions().keySet()) {
                b.addModels(RepositoryIndexResponse.ModelIndex.newBuilder()
                        .setName(e.name()).setVersion(v).setState(e.state().name()).setReason(e.reason()));
            }
        }
        return b.build();
    }

    void load(RepositoryModelLoadRequest request) {
        checkRepository(request.getRepositoryName());
        checkParameters(request.getParametersMap(), "RepositoryModelLoad");
        repository.load(request.getModelName());
    }

    void unload(RepositoryModelUnloadRequest request) {
        checkRepository(request.getRepositoryName());
        checkParameters(request.getParametersMap(), "RepositoryModelUnload");
        repository.unload(request.getModelName());
    }

    /** Every loaded model when the name is empty, else that model (all versions, or the one named). */
    ModelStatisticsResponse statistics(ModelStatisticsRequest request) {
        Collection<ServedModel> tenants;
        if (request.getName().isEmpty()) {
            if (!request.getVersion().isEmpty()) {
                throw InferError.badRequest("ModelStatistics: a version ('" + request.getVersion() + "') needs a model name");
            }
            tenants = repository.models();
        } else {
            ServedModel t = repository.find(request.getName(), request.getVersion());
            tenants = request.getVersion().isEmpty() ? repository.entry(t.name()).versions().values() : List.of(t);
        }
        ModelStatisticsResponse.Builder b = ModelStatisticsResponse.newBuilder();
        for (ServedModel t : tenants) {
            b.addModelStats(of(t));
        }
        return b.build();
    }

    private static ModelStatistics of(ServedModel t) {
        ModelStats s = t.stats();
        long ok = s.successes();
        ModelStatistics.Builder m = ModelStatistics.newBuilder()
                .setName(t.name()).setVersion(t.version())
                .setLastInference(s.lastInferenceMillis())
                .setInferenceCount(s.inferences())
                .setExecutionCount(s.executions())
                .setInferenceStats(InferStatistics.newBuilder()
                        .setSuccess(duration(ok, s.requestNanos()))
                        .setFail(duration(s.failureTotal(), s.failNanos()))
                        .setQueue(duration(ok, s.queueNanos()))
                        .setComputeInput(duration(ok, s.inputNanos()))
                        .setComputeInfer(duration(ok, s.inferNanos()))
                        .setComputeOutput(duration(ok, s.outputNanos())));
        for (Map.Entry<Integer, long[]> e : s.byBatch().entrySet()) {
            m.addBatchStats(InferBatchStatistics.newBuilder().setBatchSize(e.getKey())
                    .setComputeInfer(duration(e.getValue()[0], e.getValue()[1])));
        }
        return m.build();
    }

    private static StatisticDuration duration(long count, long ns) {
        return StatisticDuration.newBuilder().setCount(count).setNs(ns).build();
    }

    private void checkRepository(String name) {
        String ours = repository.dir().getFileName() == null ? "" : repository.dir().getFileName().toString();
        if (!name.isEmpty() && !name.equals(ours)) {
            throw InferError.notFound("unknown repository '" + name + "': this server serves one repository, '" + ours
                    + "' (leave repository_name empty)");
        }
    }

    /** Triton's load parameters (a config override, model files) are not supported: say so, do not ignore them. */
    private static void checkParameters(Map<String, ModelRepositoryParameter> parameters, String rpc) {
        if (!parameters.isEmpty()) {
            throw InferError.badRequest(rpc + ": parameter '" + parameters.keySet().iterator().next()
                    + "' is not supported (this server loads models from the repository folder as they are)");
        }
    }
}
