package t2j.svf;

import java.util.Arrays;

/** A parametrization made from a {@link ZMap} ({@link Parametrization#of}, {@link Parametrization#elementwise}). */
final class MapParametrization implements Parametrization {
    private final String id;
    private final ZMap map;
    private final float identity;
    private final String shownAs;

    MapParametrization(String id, ZMap map, float identity, String shownAs) {
        this.id = id;
        this.map = map;
        this.identity = identity;
        this.shownAs = shownAs;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public float[] adaptedSigma(float[] sigma, float[] z) {
        float[] out = map.forward(z, sigma);
        if (out == null || out.length != sigma.length)
            throw new IllegalStateException("parametrization '" + id + "': forward returned "
                    + (out == null ? "null" : out.length + " values") + " for a rank-" + sigma.length + " matrix");
        return out;
    }

    @Override
    public float[] gradZ(float[] sigma, float[] z, float[] gSigma) {
        float[] gz = map.vjp(z, sigma, gSigma);
        if (gz == null)
            throw new IllegalStateException(
                    "parametrization '" + id + "' gives no vjp and is not element-wise: implement"
                            + " ZMap.vjp, or write it with Parametrization.elementwise so the engine derives the gradient");
        if (gz.length != z.length)
            throw new IllegalStateException("parametrization '" + id + "': vjp returned " + gz.length + " values for "
                    + z.length + " z entries");
        return gz;
    }

    @Override
    public float[] identityZ(int r) {
        float[] z = new float[r];
        Arrays.fill(z, identity);
        return z;
    }

    @Override
    public String toString() {
        return shownAs;
    }
}
