//! Routing: which facilities can take a patient who needs a specialty or a technique,
//! best first, with the reasons for each place (`GET /referral-destinations`).
//!
//! A candidate must be an active facility that treats patients (not a department of
//! health, social protection centre or emergency transport centre), other than the
//! referring one, and — when a specialty or technique is asked for — perform at least
//! one of them. Its score (0–100) adds up:
//!
//! | part | points |
//! | --- | --- |
//! | capability: share of the requested specialty/technique it performs | up to 30 |
//! | technical level: the level just above the referrer 40, two above 30, the same 20, lower 5, unknown 10 | up to 40 |
//! | distance (great-circle): 20 at the door, falling linearly to 0 at 200 km; unknown 0 | up to 20 |
//! | it already supports the referrer professionally (support link) | 10 |
//!
//! Referring to the next level up is preferred (the 2023 Law's professional levels);
//! skipping a level is next; a same-level facility that does the technique comes after.
//! Ties go to the nearer facility, then by name.
//!
//! Only what a facility performs now counts: a technique or specialty it is still being
//! trained in (`in_transfer`) or has stopped (`suspended`) does not make it capable.
//!
//! **Regional specialty networks** (seed 003) come first: when the specialty needed (or
//! the specialty of the technique needed) has a network, its capable members lead the
//! list, the nearest first, each with the network and its part in the reasons; the other
//! capable facilities follow, ranked by score.

use serde::{Deserialize, Serialize};

use crate::registry::{
    CapabilityKind, Facility, FacilityKind, FacilityRef, TechnicalLevel, specialty_label,
};
use crate::technique::{NetworkRole, SpecialtyNetwork};
use crate::{Labelled, Lang};

/// Default number of destinations returned.
pub const DEFAULT_DESTINATIONS: usize = 10;
/// Most destinations a client may ask for.
pub const MAX_DESTINATIONS: usize = 50;
/// Distance at which the distance points reach zero.
const DISTANCE_HORIZON_KM: f64 = 200.0;
/// Mean Earth radius (IUGG), in kilometres.
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Filters of `GET /referral-destinations`. Empty parameters (`?specialty=`) count as
/// absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DestinationQuery {
    /// Specialty code needed, e.g. `tim_mach`.
    pub specialty: Option<String>,
    /// Technique code needed, e.g. `can_thiep_mach_vanh`.
    pub technique: Option<String>,
    /// The referring facility (default: the user's own).
    pub from_facility: Option<i64>,
    /// How many to return (1–50, default 10).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 50))]
    pub limit: Option<i64>,
}

/// One suggested destination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Destination {
    /// Position, from 1.
    pub rank: u32,
    /// Score, 0–100 (see the module documentation for how it adds up).
    pub score: u32,
    /// The facility.
    pub facility: FacilityRef,
    /// Its technical level.
    pub technical_level: Option<TechnicalLevel>,
    /// Great-circle distance from the referrer, when both have coordinates.
    pub distance_km: Option<f64>,
    /// Requested specialties it has.
    pub matched_specialties: Vec<String>,
    /// Requested techniques it performs.
    pub matched_techniques: Vec<String>,
    /// Whether it supports the referrer through a support link.
    pub supports_referrer: bool,
    /// The regional specialty network it belongs to for what is needed, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkPlace>,
    /// Why it ranks where it does, in the reader's language.
    pub reasons: Vec<String>,
}

/// A destination's place in a regional specialty network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NetworkPlace {
    /// The network.
    pub network_id: i64,
    /// Its name.
    pub network_name: String,
    /// The destination's part in it.
    pub role: NetworkRole,
}

/// Great-circle (haversine) distance in kilometres between two WGS 84 points given as
/// (latitude, longitude) in degrees. Accurate to about 0.5 % — plenty for ranking.
pub fn distance_km(from: (f64, f64), to: (f64, f64)) -> f64 {
    let (lat1, lon1) = (from.0.to_radians(), from.1.to_radians());
    let (lat2, lon2) = (to.0.to_radians(), to.1.to_radians());
    let half_chord = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * half_chord.sqrt().min(1.0).asin()
}

fn coordinates(facility: &Facility) -> Option<(f64, f64)> {
    Some((facility.latitude?, facility.longitude?))
}

fn receives_patients(kind: FacilityKind) -> bool {
    !matches!(
        kind,
        FacilityKind::HealthDepartment
            | FacilityKind::SocialProtectionCenter
            | FacilityKind::EmergencyCenter
    )
}

fn requested(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn format_km(km: f64, lang: Lang) -> String {
    let text = format!("{km:.1}");
    match lang {
        Lang::Vi => text.replace('.', ","),
        Lang::En => text,
    }
}

/// Level points and reason for a candidate `to` seen from a referrer at `from`.
fn level_fit(
    from: Option<TechnicalLevel>,
    to: Option<TechnicalLevel>,
    lang: Lang,
) -> (f64, String) {
    let vi = lang == Lang::Vi;
    let Some(level) = to else {
        let text = if vi {
            "Chưa xếp cấp chuyên môn kỹ thuật"
        } else {
            "Technical level not recorded"
        };
        return (10.0, text.to_string());
    };
    let label = level.label(lang);
    // A referrer without a level (e.g. a social protection centre) sits below `initial`.
    let step = i16::from(level.rank()) - from.map_or(0, |l| i16::from(l.rank()));
    let (points, text) = match (step, vi) {
        (1, true) => (40.0, format!("Cấp chuyên môn kế trên nơi chuyển ({label})")),
        (1, false) => (
            40.0,
            format!("The next level up from the referrer ({label})"),
        ),
        (2.., true) => (30.0, format!("Vượt cấp so với nơi chuyển ({label})")),
        (2.., false) => (30.0, format!("Skips a level above the referrer ({label})")),
        (0, true) => (
            20.0,
            format!("Cùng cấp chuyên môn với nơi chuyển ({label})"),
        ),
        (0, false) => (20.0, format!("Same level as the referrer ({label})")),
        (_, true) => (5.0, format!("Cấp chuyên môn thấp hơn nơi chuyển ({label})")),
        (_, false) => (5.0, format!("Lower level than the referrer ({label})")),
    };
    (points, text)
}

/// Ranks `candidates` as destinations for a patient of `origin` who needs what `query`
/// asks for, best first, at most `query.limit` (default 10, at most 50). Pure: the
/// backend passes the facilities (with capabilities and `supported_by`) it loaded, and
/// the networks of the specialty needed (none when nothing is asked for).
pub fn rank_destinations(
    origin: &Facility,
    candidates: &[Facility],
    networks: &[SpecialtyNetwork],
    query: &DestinationQuery,
    lang: Lang,
) -> Vec<Destination> {
    let vi = lang == Lang::Vi;
    let specialty = requested(&query.specialty);
    let technique = requested(&query.technique);
    let wanted = usize::from(specialty.is_some()) + usize::from(technique.is_some());
    let origin_at = coordinates(origin);

    let mut scored: Vec<(f64, Destination)> = candidates
        .iter()
        .filter(|c| c.id != origin.id && c.active && receives_patients(c.kind))
        .filter_map(|candidate| {
            let has = |kind: CapabilityKind, code: &str| {
                candidate
                    .capabilities
                    .iter()
                    .find(|cap| cap.kind == kind && cap.code == code && cap.status.counts())
            };
            let mut reasons = Vec::new();
            let mut matched_specialties = Vec::new();
            let mut matched_techniques = Vec::new();
            if let Some(code) = specialty {
                let label = specialty_label(code, lang);
                if has(CapabilityKind::Specialty, code).is_some() {
                    matched_specialties.push(code.to_string());
                    reasons.push(if vi {
                        format!("Có chuyên khoa {label}")
                    } else {
                        format!("Has the specialty {label}")
                    });
                } else {
                    reasons.push(if vi {
                        format!("Chưa ghi nhận chuyên khoa {label}")
                    } else {
                        format!("No {label} specialty recorded")
                    });
                }
            }
            if let Some(code) = technique {
                match has(CapabilityKind::Technique, code) {
                    Some(cap) => {
                        matched_techniques.push(code.to_string());
                        reasons.push(if vi {
                            format!("Thực hiện được kỹ thuật {}", cap.name)
                        } else {
                            format!("Performs {}", cap.name)
                        });
                    }
                    None => reasons.push(if vi {
                        format!("Chưa ghi nhận kỹ thuật {code}")
                    } else {
                        format!("Technique {code} not recorded")
                    }),
                }
            }
            let matched = matched_specialties.len() + matched_techniques.len();
            if wanted > 0 && matched == 0 {
                return None;
            }
            let capability_points = if wanted == 0 {
                0.0
            } else {
                30.0 * matched as f64 / wanted as f64
            };

            let (level_points, level_reason) = level_fit(origin.level, candidate.level, lang);
            reasons.push(level_reason);

            let distance = origin_at
                .zip(coordinates(candidate))
                .map(|(from, to)| distance_km(from, to));
            let distance_points =
                distance.map_or(0.0, |km| 20.0 * (1.0 - (km / DISTANCE_HORIZON_KM).min(1.0)));
            reasons.push(match (distance, vi) {
                (Some(km), true) => format!("Cách khoảng {} km", format_km(km, lang)),
                (Some(km), false) => format!("About {} km away", format_km(km, lang)),
                (None, true) => "Chưa có tọa độ để tính khoảng cách".to_string(),
                (None, false) => "No coordinates to measure the distance".to_string(),
            });

            let supports_referrer = origin.supported_by.iter().any(|f| f.id == candidate.id);
            if supports_referrer {
                reasons.push(if vi {
                    "Đang hỗ trợ chuyên môn cho nơi chuyển".to_string()
                } else {
                    "Already supports the referrer".to_string()
                });
            }
            let support_points = if supports_referrer { 10.0 } else { 0.0 };

            let network = networks.iter().find_map(|network| {
                network.role_of(candidate.id).map(|role| NetworkPlace {
                    network_id: network.id,
                    network_name: network.name.clone(),
                    role,
                })
            });
            if let Some(place) = &network {
                let role = place.role.label(lang);
                reasons.insert(
                    0,
                    if vi {
                        format!(
                            "Thuộc {} ({role}): ưu tiên theo phân công mạng lưới",
                            place.network_name
                        )
                    } else {
                        format!(
                            "In the {} ({role}): preferred by the network",
                            place.network_name
                        )
                    },
                );
            }

            let score = capability_points + level_points + distance_points + support_points;
            Some((
                score,
                Destination {
                    rank: 0,
                    score: score.round().clamp(0.0, 100.0) as u32,
                    facility: FacilityRef {
                        id: candidate.id,
                        code: candidate.code.clone(),
                        name: candidate.name.clone(),
                        kind: candidate.kind,
                    },
                    technical_level: candidate.level,
                    distance_km: distance.map(|km| (km * 10.0).round() / 10.0),
                    matched_specialties,
                    matched_techniques,
                    supports_referrer,
                    network,
                    reasons,
                },
            ))
        })
        .collect();

    let far = f64::INFINITY;
    let nearer = |a: &Destination, b: &Destination| {
        a.distance_km
            .unwrap_or(far)
            .total_cmp(&b.distance_km.unwrap_or(far))
    };
    scored.sort_by(|(a_score, a), (b_score, b)| {
        // Network members first, the nearest of them first; the rest by score.
        let members = b.network.is_some().cmp(&a.network.is_some());
        let within = if a.network.is_some() && b.network.is_some() {
            nearer(a, b).then_with(|| b_score.total_cmp(a_score))
        } else {
            b_score.total_cmp(a_score).then_with(|| nearer(a, b))
        };
        members
            .then(within)
            .then_with(|| a.facility.name.cmp(&b.facility.name))
            .then_with(|| a.facility.id.cmp(&b.facility.id))
    });
    let limit = query.limit.map_or(DEFAULT_DESTINATIONS, |n| {
        usize::try_from(n).unwrap_or(1).clamp(1, MAX_DESTINATIONS)
    });
    scored
        .into_iter()
        .take(limit)
        .zip(1..)
        .map(|((_, destination), rank)| Destination {
            rank,
            ..destination
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::registry::Capability;

    fn facility(
        id: i64,
        name: &str,
        kind: FacilityKind,
        level: Option<TechnicalLevel>,
        at: Option<(f64, f64)>,
        capabilities: &[(CapabilityKind, &str, &str)],
    ) -> Facility {
        Facility {
            id,
            code: format!("F{id}"),
            name: name.into(),
            kind,
            level,
            supervising_id: None,
            province: "TP. Hồ Chí Minh".into(),
            ward: None,
            address: None,
            latitude: at.map(|p| p.0),
            longitude: at.map(|p| p.1),
            phone: None,
            active: true,
            capabilities: capabilities
                .iter()
                .map(|(kind, code, name)| Capability::declared(*kind, code, name))
                .collect(),
            supports: vec![],
            supported_by: vec![],
            version: 1,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    fn reference(f: &Facility) -> FacilityRef {
        FacilityRef {
            id: f.id,
            code: f.code.clone(),
            name: f.name.clone(),
            kind: f.kind,
        }
    }

    // Points north of the station at about 1° latitude = 111.2 km.
    const STATION_AT: (f64, f64) = (11.0, 106.7);
    fn north(km: f64) -> Option<(f64, f64)> {
        Some((STATION_AT.0 + km / 111.195, STATION_AT.1))
    }

    use CapabilityKind::{Specialty as S, Technique as T};
    use FacilityKind::*;
    use TechnicalLevel::*;

    fn network() -> (Facility, Vec<Facility>) {
        let centre = facility(
            2,
            "Trung tâm Y tế khu vực",
            RegionalHealthCenter,
            Some(Basic),
            north(10.0),
            &[(S, "tim_mach", "Tim mạch")],
        );
        let mut station = facility(
            1,
            "Trạm Y tế An Phú",
            HealthStation,
            Some(Initial),
            Some(STATION_AT),
            &[(S, "tim_mach", "Tim mạch")],
        );
        station.supported_by = vec![reference(&centre)];
        let general = facility(
            3,
            "Bệnh viện Đa khoa tỉnh",
            GeneralHospital,
            Some(Specialized),
            north(40.0),
            &[
                (S, "tim_mach", "Tim mạch"),
                (T, "can_thiep_mach_vanh", "Can thiệp mạch vành qua da"),
            ],
        );
        let far = facility(
            4,
            "Bệnh viện Tim",
            SpecializedHospital,
            Some(Specialized),
            north(150.0),
            &[
                (S, "tim_mach", "Tim mạch"),
                (T, "can_thiep_mach_vanh", "Can thiệp mạch vành qua da"),
            ],
        );
        let neighbour = facility(
            5,
            "Trạm Y tế Bình Hòa",
            HealthStation,
            Some(Initial),
            north(3.0),
            &[(S, "nhi_khoa", "Nhi khoa")],
        );
        let mut closed = facility(
            6,
            "Bệnh viện cũ",
            GeneralHospital,
            Some(Basic),
            north(1.0),
            &[(S, "tim_mach", "Tim mạch")],
        );
        closed.active = false;
        let department = facility(7, "Sở Y tế", HealthDepartment, None, north(5.0), &[]);
        let unplaced = facility(
            8,
            "Phòng khám tư",
            GeneralHospital,
            None,
            None,
            &[(T, "can_thiep_mach_vanh", "PCI")],
        );
        let candidates = vec![
            station.clone(),
            centre,
            general,
            far,
            neighbour,
            closed,
            department,
            unplaced,
        ];
        (station, candidates)
    }

    fn query(specialty: &str, technique: &str) -> DestinationQuery {
        DestinationQuery {
            specialty: Some(specialty.into()),
            technique: Some(technique.into()),
            from_facility: Some(1),
            limit: None,
        }
    }

    fn ids(destinations: &[Destination]) -> Vec<i64> {
        destinations.iter().map(|d| d.facility.id).collect()
    }

    #[test]
    fn haversine_matches_known_distances() {
        // Hà Nội (Hoàn Kiếm) to TP. Hồ Chí Minh (Bến Thành): about 1 140 km as the crow
        // flies; the sphere is within 0.5 % of the ellipsoid.
        let km = distance_km((21.0285, 105.8542), (10.7725, 106.6980));
        assert!((km - 1140.0).abs() < 11.0, "{km}");
        assert_eq!(distance_km(STATION_AT, STATION_AT), 0.0);
        let one_degree = distance_km((0.0, 0.0), (1.0, 0.0));
        assert!((one_degree - 111.195).abs() < 0.01, "{one_degree}");
        let antipode = distance_km((0.0, 0.0), (0.0, 180.0));
        assert!((antipode - std::f64::consts::PI * EARTH_RADIUS_KM).abs() < 1e-6);
    }

    #[test]
    fn technique_need_ranks_by_level_then_distance() {
        let (station, candidates) = network();
        let ranked = rank_destinations(
            &station,
            &candidates,
            &[],
            &query("tim_mach", "can_thiep_mach_vanh"),
            Lang::Vi,
        );
        // general: 30 + 30 + 20·(1−40/200)=16 → 76
        // far:     30 + 30 + 20·(1−150/200)=5 → 65
        // centre:  15 + 40 + 20·(1−10/200)=19 + 10 support → 84
        // unplaced: 15 + 10 + 0 → 25
        // neighbour (no match), closed, department and the station itself are out.
        assert_eq!(ids(&ranked), vec![2, 3, 4, 8]);
        let scores: Vec<u32> = ranked.iter().map(|d| d.score).collect();
        assert_eq!(scores, vec![84, 76, 65, 25]);
        let ranks: Vec<u32> = ranked.iter().map(|d| d.rank).collect();
        assert_eq!(ranks, vec![1, 2, 3, 4]);
        let centre = &ranked[0];
        assert_eq!(centre.matched_specialties, vec!["tim_mach"]);
        assert!(centre.matched_techniques.is_empty());
        assert!(centre.supports_referrer);
        assert_eq!(centre.distance_km, Some(10.0));
        assert_eq!(
            centre.reasons,
            vec![
                "Có chuyên khoa Tim mạch",
                "Chưa ghi nhận kỹ thuật can_thiep_mach_vanh",
                "Cấp chuyên môn kế trên nơi chuyển (Cấp khám bệnh, chữa bệnh cơ bản)",
                "Cách khoảng 10,0 km",
                "Đang hỗ trợ chuyên môn cho nơi chuyển",
            ]
        );
        let general = &ranked[1];
        assert_eq!(general.matched_techniques, vec!["can_thiep_mach_vanh"]);
        assert_eq!(
            general.reasons[1],
            "Thực hiện được kỹ thuật Can thiệp mạch vành qua da"
        );
        assert_eq!(
            general.reasons[2],
            "Vượt cấp so với nơi chuyển (Cấp khám bệnh, chữa bệnh chuyên sâu)"
        );
        let unplaced = &ranked[3];
        assert_eq!(unplaced.distance_km, None);
        assert_eq!(
            unplaced.reasons[2..],
            [
                "Chưa xếp cấp chuyên môn kỹ thuật",
                "Chưa có tọa độ để tính khoảng cách"
            ]
        );
    }

    #[test]
    fn technique_only_excludes_facilities_without_it() {
        let (station, candidates) = network();
        let ranked = rank_destinations(
            &station,
            &candidates,
            &[],
            &DestinationQuery {
                technique: Some("can_thiep_mach_vanh".into()),
                specialty: Some(String::new()),
                ..DestinationQuery::default()
            },
            Lang::En,
        );
        // general 30+30+16 = 76, far 30+30+5 = 65, unplaced 30+10 = 40.
        assert_eq!(ids(&ranked), vec![3, 4, 8]);
        assert_eq!(ranked[0].reasons[0], "Performs Can thiệp mạch vành qua da");
        assert_eq!(
            ranked[0].reasons[1],
            "Skips a level above the referrer (Specialised level)"
        );
        assert_eq!(ranked[0].reasons[2], "About 40.0 km away");
    }

    #[test]
    fn no_need_ranks_every_receiving_facility() {
        let (station, candidates) = network();
        let ranked = rank_destinations(
            &station,
            &candidates,
            &[],
            &DestinationQuery::default(),
            Lang::Vi,
        );
        // centre 40+19+10 = 69; general 30+16 = 46; far 30+5 = 35;
        // neighbour 20+19.7 = 39.7; unplaced 10.
        assert_eq!(ids(&ranked), vec![2, 3, 5, 4, 8]);
        assert_eq!(
            ranked[2].reasons[0],
            "Cùng cấp chuyên môn với nơi chuyển (Cấp khám bệnh, chữa bệnh ban đầu)"
        );
    }

    #[test]
    fn limit_and_ties() {
        let (station, candidates) = network();
        let top = rank_destinations(
            &station,
            &candidates,
            &[],
            &DestinationQuery {
                limit: Some(2),
                ..DestinationQuery::default()
            },
            Lang::Vi,
        );
        assert_eq!(ids(&top), vec![2, 3]);
        let one = rank_destinations(
            &station,
            &candidates,
            &[],
            &DestinationQuery {
                limit: Some(-5),
                ..DestinationQuery::default()
            },
            Lang::Vi,
        );
        assert_eq!(one.len(), 1);
        // Two identical hospitals at the same distance: by name, then id.
        let twin =
            |id, name: &str| facility(id, name, GeneralHospital, Some(Basic), north(20.0), &[]);
        let ranked = rank_destinations(
            &station,
            &[twin(12, "B"), twin(11, "B"), twin(10, "A")],
            &[],
            &DestinationQuery::default(),
            Lang::Vi,
        );
        assert_eq!(ids(&ranked), vec![10, 11, 12]);
        // A lower level is last.
        let mut hospital = station.clone();
        hospital.id = 99;
        hospital.level = Some(Specialized);
        let ranked = rank_destinations(
            &hospital,
            &candidates,
            &[],
            &DestinationQuery::default(),
            Lang::En,
        );
        assert_eq!(ranked.last().map(|d| d.facility.id), Some(8));
        assert!(
            ranked
                .iter()
                .find(|d| d.facility.id == 1)
                .is_some_and(|d| d.reasons[0].starts_with("Lower level"))
        );
    }

    fn member(f: &Facility, role: NetworkRole) -> crate::technique::NetworkMember {
        crate::technique::NetworkMember {
            facility: reference(f),
            role,
        }
    }

    fn cardiology_network(members: Vec<crate::technique::NetworkMember>) -> SpecialtyNetwork {
        SpecialtyNetwork {
            id: 70,
            name: "Mạng lưới tim mạch can thiệp khu vực".into(),
            specialty: "tim_mach".into(),
            basis: None,
            members,
            version: 1,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    #[test]
    fn capable_network_members_lead_nearest_first_and_say_why() {
        let (station, candidates) = network();
        let by_id = |id: i64| candidates.iter().find(|f| f.id == id).cloned();
        let (Some(general), Some(far)) = (by_id(3), by_id(4)) else {
            panic!("the test network has facilities 3 and 4");
        };
        // The far heart hospital is the end-line member, the provincial general hospital
        // the provincial one; the centre (which ranks first on score) is not a member.
        let networks = [cardiology_network(vec![
            member(&far, NetworkRole::EndLine),
            member(&general, NetworkRole::Provincial),
        ])];
        let ranked = rank_destinations(
            &station,
            &candidates,
            &networks,
            &query("tim_mach", ""),
            Lang::Vi,
        );
        // Members first, the nearer (40 km) before the end-line one (150 km), even though
        // the centre scores higher; then the others by score.
        assert_eq!(ids(&ranked), vec![3, 4, 2]);
        assert_eq!(
            ranked[0].reasons[0],
            "Thuộc Mạng lưới tim mạch can thiệp khu vực (Bệnh viện tuyến tỉnh): ưu tiên theo phân công mạng lưới"
        );
        assert_eq!(
            ranked[1].network.as_ref().map(|p| p.role),
            Some(NetworkRole::EndLine)
        );
        assert_eq!(ranked[2].network, None);
        // Without the network the order is the score's.
        let plain = rank_destinations(&station, &candidates, &[], &query("tim_mach", ""), Lang::Vi);
        assert_eq!(ids(&plain), vec![2, 3, 4]);
    }

    #[test]
    fn a_member_that_cannot_treat_the_patient_is_not_suggested() {
        let (station, candidates) = network();
        let Some(neighbour) = candidates.iter().find(|f| f.id == 5) else {
            panic!("the test network has facility 5");
        };
        // The paediatric station is in the cardiology network but has no cardiology.
        let networks = [cardiology_network(vec![member(
            neighbour,
            NetworkRole::Centre,
        )])];
        let ranked = rank_destinations(
            &station,
            &candidates,
            &networks,
            &query("tim_mach", ""),
            Lang::Vi,
        );
        assert!(ranked.iter().all(|d| d.facility.id != 5));
    }

    #[test]
    fn only_techniques_performed_now_make_a_facility_capable() {
        use crate::technique::TechniqueStatus;
        let (station, mut candidates) = network();
        let technique_only = DestinationQuery {
            technique: Some("can_thiep_mach_vanh".into()),
            ..DestinationQuery::default()
        };
        let before = rank_destinations(&station, &candidates, &[], &technique_only, Lang::Vi);
        assert_eq!(ids(&before), vec![3, 4, 8]);
        // The general hospital suspends the technique; the others are still in training.
        for facility in candidates.iter_mut() {
            for capability in facility.capabilities.iter_mut() {
                if capability.code == "can_thiep_mach_vanh" {
                    capability.status = if facility.id == 3 {
                        TechniqueStatus::Suspended
                    } else {
                        TechniqueStatus::InTransfer
                    };
                }
            }
        }
        let after = rank_destinations(&station, &candidates, &[], &technique_only, Lang::Vi);
        assert!(after.is_empty());
        // Signed off at the far hospital: it performs it again.
        for facility in candidates.iter_mut().filter(|f| f.id == 4) {
            for capability in facility.capabilities.iter_mut() {
                capability.status = TechniqueStatus::Performing;
            }
        }
        let signed_off = rank_destinations(&station, &candidates, &[], &technique_only, Lang::Vi);
        assert_eq!(ids(&signed_off), vec![4]);
    }
}
