/** What the peer section times (bench/peer-page.ts in the browser, bench/peer-bench.ts in Node). */

/** As exported; BN folded into standard Conv2D / DepthwiseConv2D layers only (ReLU6 and padding apart); folded and fused (what the app runs); ORT. */
export type PeerEngine = 'tfjs' | 'tfjs-bn-only' | 'tfjs-folded' | 'ort';
export type TfjsEngine = Exclude<PeerEngine, 'ort'>;
export const PEER_ENGINES: readonly PeerEngine[] = ['tfjs', 'tfjs-bn-only', 'tfjs-folded', 'ort'];
