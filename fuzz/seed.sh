#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets from the bundled files (fuzz/corpus/<target>/, not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
c=fuzz/corpus
mkdir -p $c/scenario $c/orders $c/network $c/run $c/pairs
i=0
for f in scenarios/*.toml scenarios/*/*.toml tests/data/tiny-scenarios/*.toml; do
  case $f in */orders/*) cp "$f" "$c/orders/bundled-$i.toml";; *) cp "$f" "$c/scenario/bundled-$i.toml";; esac
  i=$((i+1))
done
# the orders files, rebased on the tiny network's projects so that they reach the search
printf 'format = 1\nname = "t"\nbase = "base.toml"\nprojects = ["p-hsr-bc", "p-exp-ad"]\n[metric]\nkind = "rings"\ncutoffs = [30, 60]\nweights = [1.0, 0.5]\n[axis]\nx = "years"\ndiscount = 0.05\n[durations]\np-hsr-bc = 4\np-exp-ad = 2\n[orders]\nplan = ["p-exp-ad", "p-hsr-bc"]\nfirst = "listed"\n' > $c/orders/tiny-rings.toml
printf 'format = 1\nname = "t"\nbase = "base.toml"\nprojects = ["p-hsr-bc", "p-exp-ad"]\n[metric]\nkind = "mean_time"\n[search]\nexact_max = 0\nshapley_samples = 50\nbeam_width = 3\n' > $c/orders/tiny-beam.toml
# network and run: one byte choosing the file (fuzz/fuzz_targets/common.rs FILES), then its content
files=(tiny/network.toml tiny/params.toml tiny/places.csv tiny/stations.csv tiny/rail_lines.csv tiny/rail_sections.csv tiny/speed_changes.csv tiny/road_links.csv tiny/connectors.csv tiny/cities.csv tiny-seeds/projects.csv tiny-seeds/cities.csv)
for k in "${!files[@]}"; do
  for t in network run; do
    { printf "\\x$(printf %02x "$k")"; cat "tests/data/${files[$k]}"; } > "$c/$t/tiny-$k"
  done
done
# pairs: even first byte = od pairs, odd = observed times
printf '\x00from,to\n甲站,乙站\n甲市,丙市\n100101,300121\n' > $c/pairs/od
printf '\x01from,to,minutes,train_code\n甲站,乙站,30,G1\n乙站,丙站,20,K2\n' > $c/pairs/observed
{ printf '\x01'; head -c 4000 networks/zhongyuan/observed/timetable-2021.csv; } > $c/pairs/timetable
# the optional files the tiny network lacks (FILES 12 and 13): a timetable pattern with its trains' clock times,
# and a project's through service
for t in network run; do
  printf '\x0cservice_id,class,max_kmh,trains_per_day,route,stops,unknown,reverses,stands,example_trains,departures,arrivals,source\nU,hsr,350,2,SAA|SBB|SCC,SAA|SCC,SBB,,,G1,dep@SAA=07:00 dep@SAA=23:50,SCC=07:40 SCC=00:35,assumption: seed\nV,conventional,120,1,SCC|SBB|SAA,SCC|SBB|SAA,,SBB,,K2,dep@SCC=08:00/dep@SBB=09:30,SBB=09:00/SAA=10:10,assumption: seed\n' > "$c/$t/tiny-services"
  printf '\x0dservice_id,project_id,class,pattern,trains_per_day,route,source\nT,p-hsr-bc,hsr,stopping,4,SAA|SBB|SCC,assumption: seed\n' > "$c/$t/tiny-project-services"
  printf '\x0dservice_id,project_id,class,pattern,trains_per_day,route,stops,source\nL,,hsr,listed,4,SAA|SBB,SAA|SBB,assumption: seed\nM,p-hsr-bc,hsr,listed,2,SAA|SBB|SCC,SAA|SCC,assumption: seed\n' > "$c/$t/tiny-project-services-listed"
done
echo "seed corpora: $(find $c -type f | wc -l) files in $c"
