/** A port that was free a moment ago (TCP and UDP, on `host` and every address), drawn below the OS's ephemeral range; never the same twice in one run. */
export declare function freePort(host?: string): Promise<number>
