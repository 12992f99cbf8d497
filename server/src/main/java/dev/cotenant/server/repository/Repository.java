package dev.cotenant.server.repository;

import dev.cotenant.ir.ModelException;
import dev.cotenant.server.config.ModelConfig;
import dev.cotenant.server.protocol.InferError;
import dev.cotenant.server.serving.ServedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model repository folder, Triton's layout: {@code DIR/<model>/<version>/model.onnx}, numeric
 * version folders, an optional {@code DIR/<model>/config.pbtxt} (read strictly, see
 * {@link ConfigFile}; its {@code version_policy} picks the versions served, the newest by
 * default). Every model found is loaded at start; the repository extension loads and unloads by
 * name later. A model that fails to load is kept in the index with the reason, and the others
 * serve on. Every load, failure and unload is logged, with the config's warnings.
 *
 * <p>Names come from clients, so every path is checked twice before it is read: the name must be
 * one folder name, and the folder's real path (symbolic links followed) must lie inside DIR.
 */
public final class Repository {

    private static final Logger LOG = LoggerFactory.getLogger(Repository.class);

    /** A model's state as the repository index reports it (Triton's names). */
    public enum State { LOADING, READY, UNAVAILABLE, UNLOADED }

    /**
     * One model: its loaded versions (newest last) or why it is not available, and its
     * {@code config.pbtxt} as written (empty without one).
     */
    public record Entry(String name, Map<String, ServedModel> versions, State state, String reason, ModelConfig config) {
        ServedModel latest() {
            ServedModel last = null;
            for (ServedModel t : versions.values()) {
                last = t;
            }
            return last;
        }
    }

    private final Path dir;
    private final Path realDir;
    private final int cores;
    private final int warmupRuns;
    private final Consumer<ServedModel> serve;
    private final Consumer<ServedModel> retire;
    private final Runnable changed;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /**
     * The repository in {@code dir}: models load with plans of up to {@code cores} threads and go to
     * {@code serve} once ready; a model unloaded or replaced goes to {@code retire} (which refuses
     * what waits for it and lets a running batch finish) before it is closed.
     *
     * @param warmupRuns runs of every plan made at load, before a model is ready (see {@link ModelFolder#load(String, String, Path, int, int)})
     * @param changed    told after every change of a model's state (loading, ready, failed, unloaded)
     */
    public Repository(Path dir, int cores, int warmupRuns, Consumer<ServedModel> serve, Consumer<ServedModel> retire, Runnable changed) {
        if (!Files.isDirectory(dir)) {
            throw new ModelException("model repository " + dir + " is not a folder");
        }
        this.dir = dir.toAbsolutePath().normalize();
        try {
            this.realDir = dir.toRealPath();
        } catch (IOException e) {
            throw new ModelException("model repository " + dir + ": " + e.getMessage());
        }
        this.cores = cores;
        this.warmupRuns = warmupRuns;
        this.serve = serve;
        this.retire = retire;
        this.changed = changed;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Loads every model folder found; failures are recorded, not thrown. Every folder counts as
     * {@link State#LOADING} from the start, so readiness is false until the last one is done.
     */
    public void loadAll() {
        List<Path> folders;
        try (Stream<Path> s = Files.list(dir)) {
            folders = s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new ModelException("model repository " + dir + ": " + e.getMessage());
        }
        for (Path p : folders) {
            entries.putIfAbsent(p.getFileName().toString(),
                    new Entry(p.getFileName().toString(), Map.of(), State.LOADING, "waiting to load", ModelConfig.getDefaultInstance()));
        }
        changed.run();
        for (Path p : folders) {
            try {
                load(p.getFileName().toString());
            } catch (InferError | ModelException e) {
                // recorded in the index and logged by load()
            }
        }
    }

    /**
     * Loads (or reloads) model {@code name}; throws {@link InferError} naming what went wrong when
     * the name is bad or the model cannot be loaded (the failure is also kept in the index). A
     * model loading for the first time is {@link State#LOADING} meanwhile; one reloaded serves its
     * old versions until the new ones are ready.
     */
    public synchronized Entry load(String name) {
        Path modelDir = folder(name);
        long start = System.nanoTime();
        if (!entries.containsKey(name) || entries.get(name).state() != State.READY) {
            entries.put(name, new Entry(name, Map.of(), State.LOADING, "loading", ModelConfig.getDefaultInstance()));
            changed.run();
        }
        LOG.info("loading model '{}' from {}", name, modelDir);
        Map<String, ServedModel> versions = new LinkedHashMap<>();
        ConfigFile.Read cfg;
        try {
            cfg = ConfigFile.read(modelDir, name);
            cfg.warnings().forEach(LOG::warn);
            String fileName = ConfigFile.modelFile(cfg.config(), cfg.where());
            for (String v : ConfigFile.versions(versions(modelDir, name), cfg.config(), cfg.where())) {
                Path vdir = modelDir.resolve(v);
                inside(vdir, "version folder " + name + "/" + v);
                Path file = vdir.resolve(fileName);
                if (!Files.isRegularFile(file)) {
                    throw new ModelException("model '" + name + "' version " + v + ": " + file + " is missing");
                }
                inside(file, "model file " + name + "/" + v + "/" + fileName);
                versions.put(v, ModelFolder.load(name, v, modelDir, cfg, cores, warmupRuns));
            }
        } catch (RuntimeException | StackOverflowError e) {
            versions.values().forEach(ServedModel::close);
            String reason = e instanceof ModelException || e instanceof InferError ? e.getMessage() : e.toString();
            retire(name);
            entries.put(name, new Entry(name, Map.of(), State.UNAVAILABLE, reason, ModelConfig.getDefaultInstance()));
            changed.run();
            if (e instanceof ModelException || e instanceof InferError) {
                LOG.error("model '{}' failed to load: {}", name, reason);
            } else {
                LOG.error("model '{}' failed to load: {}", name, reason, e); // not a user error: the stack trace says where
            }
            throw InferError.badRequest("model '" + name + "' failed to load: " + reason);
        }
        retire(name);
        Entry e = new Entry(name, java.util.Collections.unmodifiableMap(versions), State.READY, "", cfg.config());
        versions.values().forEach(serve);
        entries.put(name, e);
        changed.run();
        ServedModel newest = e.latest();
        LOG.atInfo().addKeyValue("model", name).addKeyValue("versions", String.join(",", versions.keySet()))
                .addKeyValue("max_batch_size", newest.settings().maxBatchSize()).addKeyValue("instances", newest.settings().instances())
                .addKeyValue("load_ms", (System.nanoTime() - start) / 1_000_000)
                .log("model '{}' ready, versions {}", name, String.join(", ", versions.keySet()));
        return e;
    }

    /** Unloads model {@code name}: waiting requests are refused, a running batch finishes. */
    public synchronized void unload(String name) {
        folder(name);
        Entry e = entries.get(name);
        if (e == null) {
            throw InferError.notFound("model '" + name + "' is not in the repository index");
        }
        retire(name);
        entries.put(name, new Entry(name, Map.of(), State.UNLOADED, "unloaded", ModelConfig.getDefaultInstance()));
        changed.run();
        LOG.info("model '{}' unloaded", name);
    }

    private void retire(String name) {
        Entry old = entries.get(name);
        if (old != null) {
            for (ServedModel t : old.versions().values()) {
                retire.accept(t);
                t.close();
            }
        }
    }

    /** Every model folder in DIR (loaded or not) and every known entry, for the index. */
    public synchronized List<Entry> index() {
        Map<String, Entry> all = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isDirectory).sorted().toList()) {
                String n = p.getFileName().toString();
                all.put(n, new Entry(n, Map.of(), State.UNLOADED, "", ModelConfig.getDefaultInstance()));
            }
        } catch (IOException e) {
            throw new InferError(InferError.Kind.INTERNAL, "cannot list the model repository: " + e.getMessage());
        }
        all.putAll(entries);
        List<Entry> out = new ArrayList<>(all.values());
        out.sort(Comparator.comparing(Entry::name));
        return out;
    }

    /** Loaded tenants, every version of every ready model. */
    public List<ServedModel> models() {
        List<ServedModel> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            out.addAll(e.versions().values());
        }
        out.sort(Comparator.comparing((ServedModel t) -> t.name()).thenComparing(t -> t.version()));
        return out;
    }

    /**
     * The tenant serving {@code name} at {@code version} (null or empty: the newest), or an
     * {@link InferError} that says why there is none.
     */
    public ServedModel find(String name, String version) {
        Entry e = entries.get(name);
        if (e == null) {
            throw InferError.notFound("unknown model '" + name + "'");
        }
        if (e.state() == State.UNAVAILABLE) {
            throw InferError.badRequest("model '" + name + "' is not available: it failed to load: " + e.reason());
        }
        if (e.state() == State.LOADING) {
            throw new InferError(InferError.Kind.UNAVAILABLE, "model '" + name + "' is still loading");
        }
        if (e.state() == State.UNLOADED || e.versions().isEmpty()) {
            throw InferError.notFound("model '" + name + "' is not loaded");
        }
        if (version == null || version.isEmpty()) {
            return e.latest();
        }
        ServedModel t = e.versions().get(version);
        if (t == null) {
            throw InferError.notFound("model '" + name + "' has no version '" + version + "' (versions: "
                    + String.join(", ", e.versions().keySet()) + ")");
        }
        return t;
    }

    /** The entry of {@code name}, or null. */
    public Entry entry(String name) {
        return entries.get(name);
    }

    /**
     * The configuration {@code name} is served with at {@code version} (null or empty: the newest),
     * in Triton's shape ({@link EffectiveConfig}), or the {@link InferError} of {@link #find}.
     */
    public ModelConfig config(String name, String version) {
        ServedModel m = find(name, version);
        Entry e = entries.get(m.name());
        return EffectiveConfig.of(e == null ? ModelConfig.getDefaultInstance() : e.config(), m);
    }

    /**
     * The models that keep the server from being ready under strict readiness: those loading and
     * those that failed to load, each with its state and reason. A model unloaded on purpose is not
     * one of them.
     */
    public List<String> notReady() {
        List<String> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.state() == State.LOADING || e.state() == State.UNAVAILABLE) {
                out.add(e.name() + " " + e.state() + (e.reason().isEmpty() ? "" : ": " + e.reason()));
            }
        }
        out.sort(null);
        return out;
    }

    /** Version folders of a model: numeric names, in numeric order. */
    private static List<String> versions(Path modelDir, String name) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(modelDir)) {
            for (Path p : s.filter(Files::isDirectory).toList()) {
                String v = p.getFileName().toString();
                if (v.matches("[0-9]{1,18}")) {
                    out.add(v);
                }
            }
        } catch (IOException e) {
            throw new ModelException("model '" + name + "': cannot list " + modelDir + ": " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new ModelException("model '" + name + "' has no version folder (expected " + modelDir + "/<version>/model.onnx)");
        }
        out.sort(Comparator.comparingLong(Long::parseLong));
        return out;
    }

    /** The folder of model {@code name}, refused unless it is one folder name inside DIR. */
    private Path folder(String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")
                || name.contains("\\") || name.indexOf('\0') >= 0) {
            throw InferError.badRequest("model name '" + name + "' is not a folder name inside the repository");
        }
        Path p = dir.resolve(name).normalize();
        if (!p.startsWith(dir) || p.equals(dir)) {
            throw InferError.badRequest("model '" + name + "' resolves outside the repository " + dir);
        }
        if (!Files.isDirectory(p)) {
            throw InferError.notFound("model '" + name + "' has no folder in the repository " + dir);
        }
        inside(p, "model folder '" + name + "'");
        return p;
    }

    /** Refuses {@code p} when its real path (links followed) leaves the repository. */
    private void inside(Path p, String what) {
        try {
            if (!p.toRealPath().startsWith(realDir)) {
                throw InferError.badRequest(what + " resolves outside the repository " + dir + " (to " + p.toRealPath() + ")");
            }
        } catch (IOException e) {
            throw InferError.badRequest(what + ": " + e.getMessage());
        }
    }
}
